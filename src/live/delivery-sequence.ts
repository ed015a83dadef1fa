// Deliveries of templated telemetry, as the independent subscriber sees them: the intended send
// time and the per-device sequence come from MQTT 5 user properties (src/payload/measurement.ts)
// or, on 3.1.1, from the payload: the top-level JSON (or CBOR map) fields the templates name
// (`{ fleetstorm: sent-at }`, `{ fleetstorm: seq }`), or the number after the text that precedes
// `{sent-at}` / `{seq}` in a text template. Gaps and duplicates are counted per device stream
// (per topic for payload fields) from the sequence, so "delivered" means delivered: a sequence
// number never seen is a gap, one seen again is a duplicate.
import { C, H } from '../metrics/catalog.js';
import type { Recorder } from '../metrics/recorder.js';
import { cborText } from '../payload/cbor.js';
import { MEASUREMENT_PROPERTY } from '../payload/measurement.js';
import { cborTopLevelNumber, isCborMap } from './cbor-markers.js';
import type { PublishProperties } from '../transports/mqtt/index.js';

export interface DeliveryMarkers {
  /** Top-level JSON keys that may carry the intended send time (real µs on the run's clock). */
  sentAt: readonly string[];
  /** Top-level JSON keys that may carry the device's sequence. */
  seq: readonly string[];
  /** Text templates: the literal text before `{sent-at}` and `{seq}` ('' when they start it). */
  text?: { sentAt: readonly string[]; seq: readonly string[] };
}

export class DeliverySequence {
  /** Highest sequence seen per topic. */
  private readonly last = new Map<string, number>();
  delivered = 0;
  gaps = 0;
  duplicates = 0;

  private readonly sentAtKeys: Buffer[];
  private readonly seqKeys: Buffer[];
  private readonly cborSentAtKeys: Buffer[];
  private readonly cborSeqKeys: Buffer[];
  private readonly textSentAt: Buffer[];
  private readonly textSeq: Buffer[];
  private readonly inPayload: boolean;

  constructor(
    private readonly rec: Recorder,
    private readonly markers: DeliveryMarkers,
  ) {
    const needle = (k: string): Buffer => Buffer.from(`${JSON.stringify(k)}:`);
    this.sentAtKeys = markers.sentAt.map(needle);
    this.seqKeys = markers.seq.map(needle);
    this.cborSentAtKeys = markers.sentAt.map(cborText);
    this.cborSeqKeys = markers.seq.map(cborText);
    this.textSentAt = (markers.text?.sentAt ?? []).map((t) => Buffer.from(t));
    this.textSeq = (markers.text?.seq ?? []).map((t) => Buffer.from(t));
    this.inPayload =
      markers.sentAt.length + markers.seq.length + this.textSentAt.length + this.textSeq.length > 0;
  }

  /**
   * The number after the first key found: a scan of the bytes as rendered (no spaces), not a
   * JSON parse, so counting costs little per delivery. A key that appears twice (also nested)
   * falls back to parsing the whole payload.
   */
  private field(payload: Buffer, needles: readonly Buffer[]): number | null {
    for (const n of needles) {
      const at = payload.indexOf(n);
      if (at < 0) continue;
      if (payload.indexOf(n, at + 1) >= 0) return this.parsed(payload, needles);
      let end = at + n.length;
      while (end < payload.length && NUMBER_BYTE[payload[end] as number] === 1) end++;
      const v = Number(payload.toString('latin1', at + n.length, end));
      return Number.isFinite(v) && end > at + n.length ? v : null;
    }
    return null;
  }

  private parsed(payload: Buffer, needles: readonly Buffer[]): number | null {
    const fields = parseObject(payload);
    if (fields === null) return null;
    const keys = needles === this.seqKeys ? this.markers.seq : this.markers.sentAt;
    return firstNumber(fields, keys);
  }

  /**
   * True when a delivery on fleetstorm's own topic is templated telemetry (its measurement
   * fields in user properties or in the payload), not the filler that starts with the send time.
   */
  carriesMarkers(payload: Buffer, props: PublishProperties | undefined): boolean {
    if (props?.userProperties !== undefined && userProperty(props, MEASUREMENT_PROPERTY.seq) !== null)
      return true;
    if (isCborMap(payload)) return cborTopLevelNumber(payload, this.cborSeqKeys) !== null;
    for (const n of this.textSeq) if (n.length > 0 && payload.includes(n)) return true;
    if (payload[0] !== 0x7b) return false; // a JSON object: '{' (the filler starts with a double)
    for (const n of this.sentAtKeys) if (payload.includes(n)) return true;
    for (const n of this.seqKeys) if (payload.includes(n)) return true;
    return false;
  }

  /**
   * One delivery at real time `nowUs`. The measurement fields come from the MQTT 5 user
   * properties when present (sequences per device and stream), else from the payload fields
   * the templates name (sequences per topic).
   */
  onDelivery(topic: string, payload: Buffer, nowUs: number, props?: PublishProperties): void {
    this.delivered++;
    this.rec.add(C.mqtt_delivered_total);
    if (props?.userProperties !== undefined && this.fromProperties(props, nowUs)) return;
    if (!this.inPayload) return;
    const cbor = isCborMap(payload);
    const sentAt = cbor
      ? cborTopLevelNumber(payload, this.cborSentAtKeys)
      : (this.field(payload, this.sentAtKeys) ?? textNumber(payload, this.textSentAt));
    if (sentAt !== null) this.rec.record(H.mqtt_e2e_delivery_duration_us, nowUs - sentAt);
    const seq = cbor
      ? cborTopLevelNumber(payload, this.cborSeqKeys)
      : (this.field(payload, this.seqKeys) ?? textNumber(payload, this.textSeq));
    if (seq !== null) this.sequence(topic, seq);
  }

  private fromProperties(props: PublishProperties, nowUs: number): boolean {
    const seq = userProperty(props, MEASUREMENT_PROPERTY.seq);
    if (seq === null) return false;
    const sentAt = userProperty(props, MEASUREMENT_PROPERTY.sentAt);
    if (sentAt !== null) this.rec.record(H.mqtt_e2e_delivery_duration_us, nowUs - Number(sentAt));
    const n = Number(seq);
    if (Number.isFinite(n)) this.sequence(userProperty(props, MEASUREMENT_PROPERTY.stream) ?? '', n);
    return true;
  }

  private sequence(key: string, seq: number): void {
    const last = this.last.get(key) ?? 0;
    if (seq <= last) {
      this.duplicates++;
      this.rec.add(C.mqtt_delivery_duplicates_total);
      return;
    }
    const missed = seq - last - 1;
    if (missed > 0) {
      this.gaps += missed;
      this.rec.add(C.mqtt_delivery_gaps_total, missed);
    }
    this.last.set(key, seq);
  }
}

/** The last value of user property `name` (fleetstorm's fields come after the user's). */
function userProperty(props: PublishProperties, name: string): string | null {
  const list = props.userProperties;
  if (list === undefined) return null;
  for (let i = list.length - 1; i >= 0; i--) {
    const pair = list[i] as readonly [string, string];
    if (pair[0] === name) return pair[1];
  }
  return null;
}

/** The digits right after the first of `needles` found ('' = at the start), or null. */
function textNumber(payload: Buffer, needles: readonly Buffer[]): number | null {
  for (const n of needles) {
    const at = n.length === 0 ? 0 : payload.indexOf(n);
    if (at < 0) continue;
    const start = at + n.length;
    let end = start;
    while (end < payload.length && (payload[end] as number) >= 0x30 && (payload[end] as number) <= 0x39)
      end++;
    if (end > start) return Number(payload.toString('latin1', start, end));
  }
  return null;
}

/** Bytes a JSON number may hold. */
const NUMBER_BYTE = new Uint8Array(256);
for (const c of '0123456789+-.eE') NUMBER_BYTE[c.charCodeAt(0)] = 1;

function parseObject(payload: Buffer): Record<string, unknown> | null {
  try {
    const v: unknown = JSON.parse(payload.toString('utf8'));
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    return null; // not JSON: counted as delivered, with no latency or sequence
  }
}

function firstNumber(o: Record<string, unknown>, keys: readonly string[]): number | null {
  for (const k of keys) {
    const v = o[k];
    if (typeof v === 'number') return v;
  }
  return null;
}
