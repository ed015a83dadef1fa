// Where secret references are read from, and the load-time check of a run: every reference
// read once and every key parsed (so a missing variable or a bad key is one line before the run,
// in virtual mode too, where credentials otherwise have no effect).
import { dirname, resolve } from 'node:path';
import type { DeviceType, ResolvedScenario } from '../scenario/types.js';
import { ToolError } from '../errors/tool-error.js';
import { parseSecretRefs, type SecretSources } from '../secrets/refs.js';
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

/** The secret references a scenario would read (`${env:NAME}`, `${file:path}`), as written. */
export function secretRefsOf(s: ResolvedScenario): string[] {
  const refs = new Set<string>();
  const add = (text: string): void => {
    for (const p of parseSecretRefs(text, 'report'))
      if (typeof p !== 'string') refs.add(p.from === 'env' ? `\${env:${p.name}}` : `\${file:${p.path}}`);
  };
  for (const t of Object.values(s.deviceTypes)) {
    const hawkbit = t.ota.hawkbit; // the update server's tokens travel to the target too
    for (const token of [hawkbit?.targetToken, hawkbit?.gatewayToken])
      if (typeof token === 'string') add(token);
    const p = t.connectivity.identity?.password; // reports written before identities have none
    if (p === null || p === undefined) continue;
    add(p.kind === 'text' ? p.text : p.key);
  }
  return [...refs].sort();
}

/**
 * A report is untrusted input: replaying one that reads secrets would send them to whatever
 * target it names. That takes the user's word (`--allow-secrets`).
 */
export function assertReplaySecretsAllowed(s: ResolvedScenario, where: string, allowed: boolean): void {
  const refs = secretRefsOf(s);
  if (refs.length === 0 || allowed) return;
  const targets = s.target.mqttUrls.length > 0 ? s.target.mqttUrls.join(', ') : 'the embedded backend';
  throw new ToolError(
    'FLEETSTORM_ERR_REPORT_INPUT',
    'replaying this report reads secrets and sends them to its target',
    {
      where,
      got: `${refs.slice(0, 3).join(', ')}${refs.length > 3 ? ', ...' : ''} → ${targets}`,
      fix: 'if you trust the report and its target, add --allow-secrets',
    },
  );
}
