// Live mode's templated telemetry: the topic and payload of a publish on a stream that names a
// topic or payload template (device/params.ts compiled them), and what the independent
// subscriber needs to follow them (filters with `+` for placeholders, the marker fields).
import type { Shard } from '../core/shard.js';
import type { StreamParams, TypeParams } from '../device/params.js';
import type { DeviceFacts } from '../identity/template.js';
import type { PayloadProgram } from '../payload/compile.js';
import { DevicePayloads } from '../payload/device-payloads.js';
import { MEASUREMENT_PROPERTY } from '../payload/measurement.js';
import { MAX_STREAMS } from '../scenario/schema-telemetry.js';
import type { PublishProperties } from '../transports/mqtt/index.js';
import type { DeliveryMarkers } from './delivery-sequence.js';
import { topicFilter } from './birth-will.js';

export interface TemplatedPublish {
  topic: string;
  payload: Buffer;
  /** MQTT 5 devices: the stream's user properties and expiry, and the measurement fields. */
  props: PublishProperties | undefined;
}

export class TelemetryTemplates {
  /** Per (type, stream): the per-device payload state, made on first use. */
  private readonly payloads = new Map<number, DevicePayloads>();
  /** Per (type, stream) without a payload template: each device's publish sequence. */
  private readonly sequences = new Map<number, Uint32Array>();
  private readonly facts: DeviceFacts = { index: 0, type: '', id: '', shard: 0, run: '', seq: 1 };

  constructor(
    private readonly types: readonly TypeParams[],
    private readonly devices: number,
    private readonly seed: number,
    /** Wall-clock ms of the run's start: the base of payload timestamps. */
    private readonly epochMs: number,
    private readonly runTag: string,
    /** Firmware version names by the per-device `fw` index. */
    private readonly versions: readonly string[],
  ) {}

  /** True when a stream of this type needs more than the size-and-timestamp filler. */
  static templated(s: StreamParams): boolean {
    return (
      s.topic !== null || s.payload !== null || s.userProperties.length > 0 || s.messageExpirySec !== null
    );
  }

  /**
   * The topic and payload of device `d` (connection `id`, global index `gid`) on `stream`;
   * `fallbackTopic` and `filler` serve a stream that templates only one of them.
   */
  render(
    sh: Shard,
    d: number,
    id: number,
    gid: number,
    t: number,
    intendedUs: number,
    stream: number,
    fallbackTopic: () => string,
    filler: () => Buffer,
  ): TemplatedPublish {
    const typeIndex = sh.a.type[d] as number;
    const tp = this.types[typeIndex] as TypeParams;
    const s = tp.streams[stream] as StreamParams;
    const f = this.facts;
    f.index = gid;
    f.type = tp.name;
    f.id = `${tp.name}-${gid}`;
    f.shard = sh.st.shard;
    f.run = this.runTag;
    const topic = s.topic ? s.topic(f) : fallbackTopic();
    let payload: Buffer;
    let seq: number;
    if (!s.payload) {
      payload = filler();
      seq = this.nextSeq(typeIndex, stream, id);
    } else {
      const next = this.state(typeIndex, stream, s.payload).nextPayload(id, {
        id: f.id,
        index: gid,
        type: tp.name,
        firmware: this.versions[sh.a.fw[d] as number] ?? '',
        batteryPct: tp.mainsPowered ? 100 : (100 * (sh.a.batt[d] as number)) / tp.capacityMah,
        tUs: t,
        sentAtUs: intendedUs,
      });
      payload = next.payload;
      seq = next.seq;
    }
    const props =
      tp.mqttVersion === 5 ? this.properties(s, f, intendedUs, seq, `${gid}.${stream}`) : undefined;
    return { topic, payload, props };
  }

  /** The user's properties (in order), then the measurement fields, and the expiry. */
  private properties(
    s: StreamParams,
    f: DeviceFacts,
    intendedUs: number,
    seq: number,
    streamKey: string,
  ): PublishProperties {
    const user: (readonly [string, string])[] = [];
    for (const [name, template] of s.userProperties) user.push([name, template(f)]);
    user.push(
      [MEASUREMENT_PROPERTY.sentAt, String(Math.round(intendedUs))],
      [MEASUREMENT_PROPERTY.seq, String(seq)],
      [MEASUREMENT_PROPERTY.stream, streamKey],
    );
    return s.messageExpirySec === null
      ? { userProperties: user }
      : { userProperties: user, messageExpirySec: s.messageExpirySec };
  }

  private nextSeq(typeIndex: number, stream: number, id: number): number {
    const key = typeIndex * MAX_STREAMS + stream;
    let seqs = this.sequences.get(key);
    if (!seqs) {
      seqs = new Uint32Array(this.devices);
      this.sequences.set(key, seqs);
    }
    const seq = (seqs[id] as number) + 1;
    seqs[id] = seq;
    return seq;
  }

  private state(typeIndex: number, stream: number, program: PayloadProgram): DevicePayloads {
    const key = typeIndex * MAX_STREAMS + stream;
    let p = this.payloads.get(key);
    if (!p) {
      p = new DevicePayloads(program, this.devices, this.seed, stream, this.epochMs);
      this.payloads.set(key, p);
    }
    return p;
  }

  /** True when an MQTT 5 device type publishes templated telemetry: its measurement fields are user properties. */
  mqtt5(): boolean {
    return this.types.some(
      (tp) => tp.mqttVersion === 5 && tp.streams.some((s) => TelemetryTemplates.templated(s)),
    );
  }

  /** Subscription filters of the templated topics (placeholders become `+`). */
  filters(): string[] {
    const out = new Set<string>();
    for (const tp of this.types)
      for (const s of tp.streams) if (s.topicSource !== null) out.add(topicFilter(s.topicSource));
    return [...out];
  }

  /** The top-level JSON fields (and the text before text placeholders) carrying the send time and sequence. */
  markers(): DeliveryMarkers {
    const sentAt = new Set<string>();
    const seq = new Set<string>();
    const textSentAt = new Set<string>();
    const textSeq = new Set<string>();
    for (const tp of this.types)
      for (const s of tp.streams) {
        const k = s.payload?.markerKeys;
        if (k?.['sent-at']) sentAt.add(k['sent-at']);
        if (k?.seq) seq.add(k.seq);
        const t = s.payload?.textMarkers;
        if (t?.['sent-at'] !== undefined) textSentAt.add(t['sent-at']);
        if (t?.seq !== undefined) textSeq.add(t.seq);
      }
    return { sentAt: [...sentAt], seq: [...seq], text: { sentAt: [...textSentAt], seq: [...textSeq] } };
  }
}
