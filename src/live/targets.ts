// Where a live run sends its traffic: the embedded backend (started here on 127.0.0.1, port 0)
// when the scenario names no broker, otherwise the given brokers (any host name, IPv4 or IPv6
// address; `--resolve` maps names without DNS), located and reachable before the run starts.
// Also the open-file budget check.
import { loadTargetTls, tlsBaseDir } from './tls-files.js';
import { startEmbeddedBackend } from '../backend/embedded.js';
import type { CampaignDesk } from '../backend/deployment-desk.js';
import type { EmbeddedBackend, EmbeddedBackendOptions } from '../backend/types.js';
import { embeddedDesk, protocolMounts } from './embedded-desk.js';
import { ToolError } from '../errors/tool-error.js';
import type { ResolvedScenario } from '../scenario/types.js';
import { FD_RESERVE, openFileLimit } from '../transports/fd-budget.js';
import { OtaHttpClient } from '../transports/http/index.js';
import { assertMqttReachable, parseMqttUrl } from '../transports/mqtt/index.js';
import { proxyNeeds, proxyTargets, type ProxiedTargets } from './proxied-targets.js';
import { locateTargets } from './target-hosts.js';

export { isLoopbackHost } from './target-hosts.js';

export interface LiveTargets {
  /** Brokers as they are: the independent subscriber connects here. */
  mqttUrls: string[];
  httpUrl: string | null;
  backend: EmbeddedBackend | null;
  /** External targets with backend faults: devices go through fault proxies. */
  proxied: ProxiedTargets | null;
  /** The embedded backend's deployments (null or absent for external targets or without a rollout). */
  desk?: CampaignDesk | null;
}

/**
 * An HTTP target needs its broker named too: with the embedded broker the devices' MQTT would go
 * to this machine while the report names only the given URL.
 */
export function assertTargetsPaired(s: ResolvedScenario): void {
  if (s.target.httpUrl === null || s.target.mqttUrls.length > 0) return;
  throw new ToolError('FLEETSTORM_ERR_CLI_ARGUMENT', 'an HTTP target needs an MQTT target too', {
    where: 'target http (--target-http, FLEETSTORM_TARGET_HTTP or target.http)',
    got: s.target.httpUrl,
    fix: 'give the broker as well (--target-mqtt URL; `fleetstorm serve` prints one), or drop the HTTP target to use the embedded backend for both',
  });
}

function embeddedOptions(s: ResolvedScenario, desk: CampaignDesk | null): EmbeddedBackendOptions {
  const r = s.rollout;
  if (!r || desk === null) return { host: '127.0.0.1' };
  // The server decides who updates: the desk runs the rollout's campaign (waves, failure
  // limit, pause/abort) on the devices' reports, for every protocol's routes.
  return {
    host: '127.0.0.1',
    firmware: [{ version: r.firmware.version, sizeBytes: r.firmware.sizeBytes }],
    ...protocolMounts(desk),
  };
}

/**
 * `proxies: false`: no fault proxies (the parent of `--processes N`, whose children each start
 * their own and reach the brokers through them; the parent relays nothing).
 */
export async function prepareTargets(
  s: ResolvedScenario,
  opts: { proxies?: boolean } = {},
): Promise<LiveTargets> {
  assertTargetsPaired(s);
  if (s.target.mqttUrls.length === 0) {
    const desk = await embeddedDesk(s);
    const backend = await startEmbeddedBackend(embeddedOptions(s, desk));
    return { mqttUrls: [backend.mqttUrl], httpUrl: backend.httpUrl, backend, proxied: null, desk };
  }
  const hosts = await locateTargets(s);
  const map = s.target.resolve ?? {};
  const http = s.target.httpUrl;
  await Promise.all(
    s.target.mqttUrls.map((url) => {
      const t = parseMqttUrl(url);
      const address = map[t.host.toLowerCase()];
      return assertMqttReachable(address === undefined ? t : { ...t, address }, 2000);
    }),
  );
  if (http !== null && s.rollout) {
    const client = new OtaHttpClient({
      baseUrl: http,
      resolve: map,
      tls: loadTargetTls(s.target.tls, tlsBaseDir(s)),
    });
    try {
      await client.assertReachable();
    } finally {
      await client.close();
    }
  }
  const needs = proxyNeeds(s); // any backend fault needs the HTTP side's proxy
  const proxied = needs.http && opts.proxies !== false ? await proxyTargets(hosts, needs) : null;
  return { mqttUrls: [...s.target.mqttUrls], httpUrl: http, backend: null, proxied, desk: null };
}

/** Devices' sockets that may be open at once in this process. */
export function concurrentSockets(devices: number, maxConcurrent: number): number {
  return Math.min(devices, maxConcurrent);
}

/**
 * Where a device socket's other end lives in this process: `direct` nowhere (an external broker),
 * `embedded` the embedded backend's side (2 descriptors per device), `proxied` a fault proxy's
 * two sockets (3 per device: `backend-slow` and `broker-reject` against an external broker).
 */
export type DeviceSocketEnds = 'direct' | 'embedded' | 'proxied';
const DESCRIPTORS_PER_SOCKET: Record<DeviceSocketEnds, number> = { direct: 1, embedded: 2, proxied: 3 };

/** How this process holds its device sockets (see DeviceSocketEnds). */
export function deviceSocketEnds(s: ResolvedScenario): DeviceSocketEnds {
  if (s.target.mqttUrls.length === 0) return 'embedded';
  return proxyNeeds(s).mqtt ? 'proxied' : 'direct';
}

/**
 * Fails up front (FLEETSTORM_ERR_FD_LIMIT) when the sockets this process may hold do not fit
 * the open-file limit, with the descriptors their other ends take in this process.
 */
export function assertLiveFdBudget(
  sockets: number,
  brokers: number,
  ends: DeviceSocketEnds,
  limit = openFileLimit(),
): void {
  if (limit === undefined) return;
  const httpSockets = 2 * 64;
  const k = DESCRIPTORS_PER_SOCKET[ends];
  const needed = (sockets + brokers) * k + httpSockets * k + FD_RESERVE;
  if (needed <= limit) return;
  const why =
    ends === 'embedded'
      ? ' (the embedded backend in this process doubles it)'
      : ends === 'proxied'
        ? ' (the fault proxy in this process triples it)'
        : '';
  throw new ToolError(
    'FLEETSTORM_ERR_FD_LIMIT',
    `${sockets} concurrent device connections need about ${needed} open files`,
    {
      where: 'live.max-concurrent-connections',
      got: `open-file limit ${limit}${why}`,
      fix: `lower live.max-concurrent-connections, use duty-cycled devices, raise the limit (ulimit -n ${needed}) or split the fleet with --shard i/N over several processes`,
    },
  );
}

/** Closes what prepareTargets started (embedded backend or fault proxies). */
export async function closeTargets(t: LiveTargets): Promise<void> {
  await t.proxied?.close();
  await t.backend?.close();
}
