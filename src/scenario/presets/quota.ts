// A platform quota: what it limits, where the platform documents it, and a check of the resolved
// scenario that names the field breaking it. The first broken quota refuses the scenario at load
// time (FLEETSTORM_ERR_PLATFORM_QUOTA, exit 2), before the platform throttles the run.
import { ToolError } from '../../errors/tool-error.js';
import type { DeviceType, ResolvedScenario } from '../types.js';

export const PRESETS = ['generic', 'aws-iot-core', 'azure-iot-hub'] as const;
export type Preset = (typeof PRESETS)[number];

/** Where the field breaking a quota is, what it holds, and how to stay inside it. */
export interface Breach {
  where: string;
  got: string;
  fix: string;
}

export interface Quota {
  /** The quota as the platform states it, e.g. `100 publishes per second per connection`. */
  name: string;
  /** The documentation page (and section) that states it. */
  doc: string;
  check(s: ResolvedScenario): Breach | null;
}

/** The first quota the scenario breaks, as a ToolError; null when it keeps them all. */
export function firstBreach(
  platform: string,
  quotas: readonly Quota[],
  s: ResolvedScenario,
): ToolError | null {
  for (const q of quotas) {
    const b = q.check(s);
    if (b === null) continue;
    return new ToolError(
      'FLEETSTORM_ERR_PLATFORM_QUOTA',
      `breaks ${platform}'s quota: ${q.name} (${q.doc})`,
      {
        where: `${s.sourcePath ?? s.name}: ${b.where}`,
        got: b.got,
        fix: b.fix,
      },
    );
  }
  return null;
}

/** Device types in the fleet, by name. */
export function fleetTypes(s: ResolvedScenario): DeviceType[] {
  const names = [...new Set(s.fleet.map((g) => g.device))];
  return names.flatMap((n) => (s.deviceTypes[n] ? [s.deviceTypes[n]] : []));
}

/** Real seconds per virtual second: the speed in live mode, 1 in virtual mode (platform time). */
export function speedOf(s: ResolvedScenario): number {
  return s.mode === 'live' && Number.isFinite(s.live.speed) ? s.live.speed : 1;
}

/** Every MQTT QoS a device type sends with, with its field. */
export function qosFields(t: DeviceType): { path: string; qos: number }[] {
  const out = t.telemetry.streams.map((st, i) => ({ path: streamPath(t, i, 'qos'), qos: st.qos as number }));
  const c = t.connectivity;
  if (c.birth) out.push({ path: 'connectivity.birth.qos', qos: c.birth.qos });
  if (c.will) out.push({ path: 'connectivity.will.qos', qos: c.will.qos });
  if (t.commands) out.push({ path: 'commands.qos', qos: t.commands.qos });
  return out;
}

/** The command topic a device type subscribes to and the reply topic it publishes to. */
export function commandTopicFields(t: DeviceType): { path: string; topic: string }[] {
  const c = t.commands;
  if (!c) return [];
  return [
    { path: 'commands.topic', topic: c.topic },
    { path: 'commands.reply-topic', topic: c.replyTopic },
  ];
}

/** Every topic template a device type writes (birth, will), with its field. */
export function topicFields(t: DeviceType): { path: string; topic: string }[] {
  const out: { path: string; topic: string }[] = [];
  t.telemetry.streams.forEach((st, i) => {
    if (st.topic !== null) out.push({ path: streamPath(t, i, 'topic'), topic: st.topic });
  });
  const c = t.connectivity;
  if (c.birth) out.push({ path: 'connectivity.birth.topic', topic: c.birth.topic });
  if (c.will) out.push({ path: 'connectivity.will.topic', topic: c.will.topic });
  return out;
}

/** `telemetry.<field>` for a single stream, `telemetry.streams[i].<field>` otherwise. */
export function streamPath(t: DeviceType, i: number, field: string): string {
  return t.telemetry.streams.length <= 1 ? `telemetry.${field}` : `telemetry.streams[${i}].${field}`;
}

/** The largest payload any stream of the type sends (bytes). */
export function maxPayloadBytes(t: DeviceType): number {
  return Math.max(t.telemetry.payloadBytes.max, ...t.telemetry.streams.map((st) => st.payloadBytes.max));
}

export const typeWhere = (t: DeviceType, path: string): string => `device-types.${t.name}.${path}`;

/** The first breach over every fleet device type. */
export function eachType(s: ResolvedScenario, f: (t: DeviceType) => Breach | null): Breach | null {
  for (const t of fleetTypes(s)) {
    const b = f(t);
    if (b !== null) return b;
  }
  return null;
}

/** No QoS 2 anywhere (telemetry, birth, will, commands and the operator's own). */
export function noQos2(s: ResolvedScenario): Breach | null {
  const fix = 'use QoS 1 (or 0): the platform has no QoS 2';
  const op = (s.operations ?? []).findIndex((o) => o.command.qos === 2);
  if (op >= 0) return { where: `operations[${op}].command.qos`, got: 'QoS 2', fix };
  return eachType(s, (t) => {
    const bad = qosFields(t).find((q) => q.qos === 2);
    return bad ? { where: typeWhere(t, bad.path), got: 'QoS 2', fix } : null;
  });
}
