// The replay line every report prints: the command that re-runs this exact scenario and seed.
import type { CliOverrides } from '../scenario/overrides.js';
import type { ResolvedScenario } from '../scenario/types.js';

function q(arg: string): string {
  return /^[\w./:@%+,=-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

export function replayLine(s: ResolvedScenario, o: CliOverrides = {}): string {
  const parts = ['fleetstorm', 'run', q(s.sourcePath ?? '<scenario>')];
  if (s.profile) parts.push('--profile', q(s.profile));
  parts.push('--seed', String(s.seed));
  if (o.devices !== undefined) parts.push('--devices', String(o.devices));
  if (o.scaleBackend !== undefined) parts.push(o.scaleBackend ? '--scale-backend' : '--no-scale-backend');
  if (o.strict !== undefined) parts.push(o.strict ? '--strict' : '--no-strict');
  if (o.duration !== undefined) parts.push('--duration', q(o.duration));
  if (o.interval !== undefined) parts.push('--interval', q(o.interval));
  if (o.mode !== undefined) parts.push('--mode', o.mode);
  if (o.speed !== undefined) parts.push('--speed', String(o.speed));
  for (const u of o.targetMqtt ?? []) parts.push('--target-mqtt', q(u));
  if (o.targetHttp !== undefined) parts.push('--target-http', q(o.targetHttp));
  for (const r of o.resolve ?? []) parts.push('--resolve', q(r));
  if (s.mode === 'live' && s.live.processes > 1) parts.push('--processes', String(s.live.processes));
  if (s.shard) parts.push('--shard', `${s.shard.index}/${s.shard.count}`);
  return parts.join(' ');
}
