// Per-device payload state of one stream in one process: a random stream, a publish sequence
// and the random-walk values, in typed arrays (no object per device). A device's random stream
// is seeded from (seed, global id, stream), so its payloads do not depend on other devices.
import { deviceStreamSeed } from '../random/rng.js';
import type { PayloadProgram } from './compile.js';
import type { PayloadContext } from './generators.js';

/** Keeps payload draws apart from the device's behaviour stream (and streams apart). */
const PAYLOAD_STREAM_KEY = 0x9a710ad0;

export interface DeviceFactsNow {
  id: string;
  index: number;
  type: string;
  firmware: string;
  batteryPct: number;
  tUs: number;
  sentAtUs: number;
}

/** A draw context over per-device streams and walks, its device facts blank until a draw sets them. */
export function newPayloadContext(
  rng: Uint32Array,
  walk: Float64Array,
  walks: number,
  epochMs: number,
): PayloadContext {
  return {
    slot: 0,
    rng,
    walk,
    walks,
    id: '',
    index: 0,
    type: '',
    firmware: '',
    batteryPct: 100,
    seq: 0,
    tUs: 0,
    epochMs,
    sentAtUs: 0,
  };
}

export class DevicePayloads {
  private readonly rng: Uint32Array;
  private readonly walk: Float64Array;
  /** Publishes so far per device on this stream (the next one is seq + 1). */
  readonly seq: Uint32Array;
  private readonly ctx: PayloadContext;

  constructor(
    readonly program: PayloadProgram,
    devices: number,
    private readonly seed: number,
    private readonly stream: number,
    epochMs: number,
  ) {
    this.rng = new Uint32Array(devices);
    this.walk = new Float64Array(devices * program.walks);
    this.seq = new Uint32Array(devices);
    this.ctx = newPayloadContext(this.rng, this.walk, program.walks, epochMs);
  }

  /** The next payload of device `slot` (its place in this process) as text, advancing its sequence. */
  next(slot: number, f: DeviceFactsNow): { text: string; seq: number } {
    const seq = this.prepare(slot, f);
    return { text: this.program.render(this.ctx), seq };
  }

  /** The next payload's bytes (a CBOR one is a scratch view: send or copy it before the next). */
  nextPayload(slot: number, f: DeviceFactsNow): { payload: Buffer; seq: number } {
    const seq = this.prepare(slot, f);
    return { payload: this.program.encode(this.ctx), seq };
  }

  private prepare(slot: number, f: DeviceFactsNow): number {
    const seq = (this.seq[slot] as number) + 1;
    this.seq[slot] = seq;
    if (seq === 1) this.rng[slot] = deviceStreamSeed(this.seed, f.index, PAYLOAD_STREAM_KEY + this.stream);
    const c = this.ctx;
    c.slot = slot;
    c.id = f.id;
    c.index = f.index;
    c.type = f.type;
    c.firmware = f.firmware;
    c.batteryPct = f.batteryPct;
    c.seq = seq;
    c.tUs = f.tUs;
    c.sentAtUs = f.sentAtUs;
    return seq;
  }
}

/** The byte size of one representative render (the load-time size estimate of a template). */
export function sampleSizeBytes(program: PayloadProgram, typeName: string): number {
  const p = new DevicePayloads(program, 1, 1, 0, 1_767_225_600_000);
  const facts = { id: `${typeName}-0`, index: 0, type: typeName, firmware: '1.0.0', batteryPct: 100 };
  return p.nextPayload(0, { ...facts, tUs: 0, sentAtUs: 1e12 }).payload.length;
}
