// Where a calibration sends its traffic and as whom: the target flags over a scenario's
// `target:` (or a minimal built-in scenario without --scenario), resolved by the same code as
// a live run: URLs, `--resolve`, TLS files, `target.limits`, and the CONNECT identity of the
// scenario's first device type (client id, username, password, tokens; else the URL's
// credentials). Then the same guard rails: hosts located before anything is sent (a name that
// does not resolve is one line), every broker reachable, the open files enough.
import { randomUUID } from 'node:crypto';
import { typeOrder } from '../device/params.js';
import { ToolError, isToolError } from '../errors/tool-error.js';
import { secretSourcesOf } from '../identity/check.js';
import { FleetIdentity } from '../identity/fleet-identity.js';
import { hasRemoteTarget, locateTargets, describeTargets } from '../live/target-hosts.js';
import { loadTargetTls, tlsBaseDir } from '../live/tls-files.js';
import { loadScenario, resolveScenarioObject, type CliOverrides } from '../scenario/index.js';
import type { DeviceType, ResolvedScenario } from '../scenario/types.js';
import { assertFdBudget } from '../transports/fd-budget.js';
import { assertMqttReachable, parseMqttUrl } from '../transports/mqtt/index.js';
import type { CalibrateTarget } from './calibrate.js';
import type { ProbeLimits } from './types.js';

/** What a calibration without --scenario connects as: one built-in device type, nothing else. */
const MINIMAL = { name: 'calibrate', mode: 'live', duration: '1m', fleet: [{ device: 'sensor', count: 1 }] };

export interface TargetFlags {
  targetMqtt: readonly string[];
  targetHttp?: string | undefined;
  resolve: readonly string[];
  scenario?: string | undefined;
}

export interface ResolvedCalibrationTarget {
  scenario: ResolvedScenario;
  mqttUrls: string[];
  httpUrl: string | null;
  limits: ProbeLimits;
}

export async function resolveTarget(f: TargetFlags): Promise<ResolvedCalibrationTarget> {
  const overrides: CliOverrides = { mode: 'live' };
  if (f.targetMqtt.length > 0) overrides.targetMqtt = [...f.targetMqtt];
  if (f.targetHttp !== undefined) overrides.targetHttp = f.targetHttp;
  if (f.resolve.length > 0) overrides.resolve = [...f.resolve];
  const s =
    f.scenario === undefined
      ? await resolveScenarioObject(MINIMAL, 'calibrate', { overrides })
      : await loadScenario(f.scenario, { overrides });
  if (s.target.mqttUrls.length === 0)
    throw new ToolError('FLEETSTORM_ERR_CLI_ARGUMENT', 'name the broker to calibrate', {
      where: '--target-mqtt',
      got: f.scenario === undefined ? 'nothing' : `${f.scenario} has no target.mqtt`,
      fix: 'e.g. --target-mqtt mqtt://broker.staging.example:1883 (repeat it for several brokers)',
    });
  const l = s.target.limits;
  return {
    scenario: s,
    mqttUrls: [...s.target.mqttUrls],
    httpUrl: s.target.httpUrl,
    limits: {
      connections: l?.connections ?? null,
      connectRatePerSec: l?.connectRatePerSec ?? null,
      publishRatePerSec: l?.publishRatePerSec ?? null,
      requestRatePerSec: l?.requestRatePerSec ?? null,
      bandwidthBytesPerSec: l?.bandwidthBytesPerSec ?? null,
    },
  };
}

/** The flag a target error is about: the URL's flag, or the scenario that named it. */
function renamed(e: unknown, where: string): unknown {
  if (!isToolError(e) || e.code !== 'FLEETSTORM_ERR_TARGET_UNREACHABLE') return e;
  return new ToolError(e.code, e.message, { where, got: e.got, fix: e.fix });
}

/**
 * The guard rails before any probe traffic: hosts located (and, for a host that is not this
 * machine, each printed with the most the probe will offer), brokers reachable, files enough.
 */
export async function preflight(
  t: ResolvedCalibrationTarget,
  envelope: string,
  sockets: number,
  progress: (line: string) => void,
  flagOf: (kind: 'mqtt' | 'http') => string,
): Promise<void> {
  const s = t.scenario;
  let hosts;
  try {
    hosts = await locateTargets(s);
  } catch (e) {
    throw renamed(e, flagOf(isToolError(e) && String(e.where).includes('http') ? 'http' : 'mqtt'));
  }
  if (hasRemoteTarget(s)) {
    for (const line of describeTargets(hosts)) progress(`calibrate: target ${line}`);
    progress(`calibrate: ${envelope}`);
  }
  assertFdBudget(sockets, '--max-connections');
  const map = s.target.resolve ?? {};
  try {
    await Promise.all(
      t.mqttUrls.map((url) => {
        const target = parseMqttUrl(url);
        const address = map[target.host.toLowerCase()];
        return assertMqttReachable(address === undefined ? target : { ...target, address }, 3000);
      }),
    );
  } catch (e) {
    throw renamed(e, flagOf('mqtt'));
  }
}

/** The probe's identity, TLS and name mapping, from the resolved scenario. */
export function calibrateTarget(
  t: ResolvedCalibrationTarget,
  connections: number,
  identityFrom: string,
): CalibrateTarget {
  const s = t.scenario;
  const type = s.deviceTypes[typeOrder(s)[0] as string] as DeviceType;
  const runTag = `cal-${randomUUID().slice(0, 8)}`;
  const identity = new FleetIdentity({
    types: [type],
    runTag,
    shardIndex: 0,
    devices: connections,
    targets: t.mqttUrls,
    sources: secretSourcesOf(s),
  });
  return {
    identity,
    identityFrom,
    runTag,
    protocolVersion: type.connectivity.protocol === '5' ? 5 : 4,
    tls: loadTargetTls(s.target.tls, tlsBaseDir(s)),
    hostAddresses: s.target.resolve,
  };
}
