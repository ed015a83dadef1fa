// Where secret references are read from, and the load-time check of a run: every reference
// read once and every key parsed (so a missing variable or a bad key is one line before the run,
// in virtual mode too, where credentials otherwise have no effect).
import { dirname, resolve } from 'node:path';
import type { DeviceType, ResolvedScenario } from '../scenario/types.js';
import type { SecretSources } from '../secrets/refs.js';
import { typeOrder } from '../device/params.js';
import { FleetIdentity } from './fleet-identity.js';

/** `${env:…}` from the process environment; `${file:…}` relative to the scenario file. */
export function secretSourcesOf(
  s: ResolvedScenario,
  env: Readonly<Record<string, string | undefined>> = process.env,
): SecretSources {
  return { env, baseDir: s.sourcePath === null ? process.cwd() : dirname(resolve(s.sourcePath)) };
}

/** Throws the first unreadable reference, per-device file or unusable key as a ToolError. */
export function checkIdentities(s: ResolvedScenario, sources: SecretSources = secretSourcesOf(s)): void {
  const names = typeOrder(s);
  const identity = new FleetIdentity({
    types: names.map((n) => s.deviceTypes[n] as DeviceType),
    runTag: 'check',
    shardIndex: s.shard?.index ?? 0,
    devices: 0,
    targets: s.target.mqttUrls,
    sources,
  });
  let start = 0;
  const groups = s.fleet.map((g) => {
    const group = { type: names.indexOf(g.device), start, count: g.count };
    start += g.count;
    return group;
  });
  identity.checkDevices(groups);
}
