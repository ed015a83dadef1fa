// Birth and Last Will of the live fleet (`connectivity.birth`, `connectivity.will`): templates
// compiled once per device type, filled from the device facts of each CONNECT. The will rides in
// CONNECT; the birth is published after the CONNACK. The abrupt disconnects the fleet went
// through are compared with the wills the independent subscriber received (a broker that loses
// wills is a finding).
import { compileTemplate, type DeviceFacts, type DeviceTemplate } from '../identity/template.js';
import type { QoS } from '../transports/mqtt/index.js';
import type { DeviceType } from '../scenario/types.js';

interface Compiled {
  topic: DeviceTemplate;
  payload: DeviceTemplate;
  qos: QoS;
}

export interface ConnectWill {
  topic: string;
  payload: string;
  qos: QoS;
  retain: boolean;
  delaySec?: number;
}

/** Counters of sessions a device lost without DISCONNECT: the broker owes a will for each. */
export const ABRUPT_DISCONNECTS = [
  'mqtt_disconnects_total{reason="radio"}',
  'mqtt_disconnects_total{reason="power"}',
  'mqtt_disconnects_total{reason="keepalive"}',
] as const;

export class BirthWill {
  private readonly births: ((Compiled & { retain: boolean }) | null)[];
  private readonly wills: ((Compiled & { retain: boolean; delaySec: number }) | null)[];

  constructor(types: readonly DeviceType[]) {
    this.births = types.map((t) => {
      const b = t.connectivity.birth;
      const where = `device-types.${t.name}.connectivity.birth`;
      return b ? { ...compiled(b.topic, b.payload, b.qos, where), retain: b.retain ?? false } : null;
    });
    this.wills = types.map((t) => {
      const w = t.connectivity.will;
      const where = `device-types.${t.name}.connectivity.will`;
      if (!w) return null;
      return {
        ...compiled(w.topic, w.payload, w.qos, where),
        retain: w.retain,
        delaySec: Math.round(w.delayUs / 1e6),
      };
    });
  }

  /** The longest MQTT 5 will delay of any type (s). */
  get maxWillDelaySec(): number {
    return Math.max(0, ...this.wills.map((w) => w?.delaySec ?? 0));
  }

  /** Every device type leaves a will: the fleet's abrupt disconnects are then the wills owed. */
  get allHaveWills(): boolean {
    return this.wills.every((w) => w !== null);
  }

  get hasWills(): boolean {
    return this.wills.some((w) => w !== null);
  }

  /** The subscriber's filters for the will topics: each placeholder becomes `+`. */
  willFilters(types: readonly DeviceType[]): string[] {
    const out = new Set<string>();
    for (const t of types) if (t.connectivity.will) out.add(topicFilter(t.connectivity.will.topic));
    return [...out];
  }

  /**
   * Births published on a will topic (one status topic for both, the usual pattern): the birth
   * payloads as one pattern, so the subscriber does not count them as wills; null when none.
   */
  birthsOnWillTopics(types: readonly DeviceType[]): RegExp | null {
    const willTopics = new Set(this.willFilters(types));
    const births: string[] = [];
    for (const t of types) {
      const { birth, will } = t.connectivity;
      if (birth && will && willTopics.has(topicFilter(birth.topic)) && birth.payload !== will.payload)
        births.push(payloadPattern(birth.payload));
    }
    return births.length === 0 ? null : new RegExp(`^(?:${births.join('|')})$`, 's');
  }

  /** The CONNECT's will of a device of type `type` with facts `f` (none without `connectivity.will`). */
  willFor(type: number, f: DeviceFacts, mqttVersion: number): { will?: ConnectWill } {
    const w = this.wills[type];
    if (!w) return {};
    const will: ConnectWill = { topic: w.topic(f), payload: w.payload(f), qos: w.qos, retain: w.retain };
    if (mqttVersion === 5 && w.delaySec > 0) will.delaySec = w.delaySec;
    return { will };
  }

  /** The birth message of a device (null without `connectivity.birth`). */
  birthFor(
    type: number,
    f: DeviceFacts,
  ): { topic: string; payload: Buffer; qos: QoS; retain: boolean } | null {
    const b = this.births[type];
    return b ? { topic: b.topic(f), payload: Buffer.from(b.payload(f)), qos: b.qos, retain: b.retain } : null;
  }
}

function compiled(topic: string, payload: string, qos: number, where: string): Compiled {
  return {
    topic: compileTemplate(topic, `${where}.topic`),
    payload: compileTemplate(payload, `${where}.payload`),
    qos: Math.min(2, qos) as QoS,
  };
}

/** `devices/{id}/status` → `devices/+/status`: a placeholder (and its level) becomes `+`. */
/** A payload template as a pattern: literal text, `{{` / `}}` braces, any text for a placeholder. */
export function payloadPattern(template: string): string {
  return template
    .split(/(\{\{|\}\}|\{[a-z]+(?::0\d{1,2})?\})/)
    .map((part, i) => {
      if (i % 2 === 0) return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      return part === '{{' ? '\\{' : part === '}}' ? '\\}' : '.*?';
    })
    .join('');
}

export function topicFilter(template: string): string {
  return template
    .split('/')
    .map((level) => (/\{[a-z]+(:0\d{1,2})?\}/.test(level.replace(/\{\{|\}\}/g, '')) ? '+' : level))
    .join('/');
}

/**
 * The report's sentence when the subscriber received fewer wills than the abrupt disconnects the
 * fleet went through (null when they agree or no will is configured).
 */
export function willWarning(abrupt: number, received: number, delaySec: number): string | null {
  if (received >= abrupt) return null;
  const late =
    delaySec > 0
      ? `; the will delay (${delaySec} s) holds back wills of devices that died in its last ${delaySec} s or came back within it`
      : '; a device that reconnects before the broker notices its dead link (keepalive × 1.5) also ends its old session without a will';
  return `the subscriber received ${received} wills for ${abrupt} abrupt disconnects (radio, power, keepalive): a broker that loses wills is a finding${late}`;
}
