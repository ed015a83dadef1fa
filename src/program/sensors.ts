// Stubbed sensors of a program (`sensors:` in defineDevice): each is a payload generator (src/payload)
// drawn per device from its own sensor stream, so readings are deterministic per seed and device
// whatever else the device or the fleet does.
import { drawGenerator, isGenerator, type PayloadContext } from '../payload/generators.js';
import { newPayloadContext } from '../payload/device-payloads.js';
import { deviceStreamSeed } from '../random/rng.js';
import type { JsonValue } from './api.js';

const SENSOR_STREAM_KEY = 0x5e2502;

export interface SensorTable {
  names: Map<string, number>;
  draws: ((c: PayloadContext) => number)[];
  walks: number;
}

export function compileSensors(
  sensors: Record<string, Record<string, JsonValue>> | undefined,
  where: string,
): SensorTable {
  const table: SensorTable = { names: new Map(), draws: [], walks: 0 };
  const state = { walks: 0, markers: [] };
  for (const [name, spec] of Object.entries(sensors ?? {})) {
    if (!isGenerator(spec))
      throw new TypeError(
        `${where}.sensors.${name}: expected one generator, e.g. { normal: { mean: 21, stddev: 0.5 } }`,
      );
    const g = drawGenerator(spec, `${where}.sensors.${name}`, state);
    if (g.kind !== 'number')
      throw new TypeError(
        `${where}.sensors.${name}: a sensor reads a number (uniform, normal, walk, sine, counter)`,
      );
    table.names.set(name, table.draws.length);
    table.draws.push(g.draw);
  }
  table.walks = state.walks;
  return table;
}

/**
 * Per-shard sensor state: one stream, one read count per sensor and the walk values per device. A
 * device's stream is seeded at its first read of any sensor (all its read counts still 0), so a
 * read touches three arrays (counts, stream, walks), not a fourth flag array.
 */
export class ShardSensors {
  private readonly rng: Uint32Array;
  /** Reads per device and sensor (a walk starts from its `start` at a sensor's first read). */
  private readonly reads: Uint32Array;
  private readonly ctx: PayloadContext;
  private readonly sensors: number;

  constructor(
    size: number,
    table: SensorTable,
    private readonly seed: number,
  ) {
    this.sensors = table.draws.length;
    this.rng = new Uint32Array(size);
    this.reads = new Uint32Array(size * this.sensors);
    this.ctx = newPayloadContext(this.rng, new Float64Array(size * table.walks), table.walks, 0);
  }

  read(table: SensorTable, name: string, d: number, gid: number, tUs: number): number {
    const k = table.names.get(name);
    if (k === undefined)
      throw new Error(`unknown sensor '${name}' (declare it in defineDevice({ sensors }))`);
    const r = d * this.sensors + k;
    const seq = (this.reads[r] as number) + 1;
    if (seq === 1 && this.firstRead(d)) this.rng[d] = deviceStreamSeed(this.seed, gid, SENSOR_STREAM_KEY);
    this.reads[r] = seq;
    const c = this.ctx;
    c.slot = d;
    c.seq = seq;
    c.tUs = tUs;
    return (table.draws[k] as (c: PayloadContext) => number)(c);
  }

  /** Whether device d has read no sensor yet. */
  private firstRead(d: number): boolean {
    const b = d * this.sensors;
    for (let i = 0; i < this.sensors; i++) if (this.reads[b + i] !== 0) return false;
    return true;
  }
}
