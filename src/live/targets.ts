// Where a live run sends its traffic: the embedded backend (started here on 127.0.0.1, port 0)
// when the scenario names no broker, otherwise the given brokers, which must be on loopback and
// reachable before the run starts. Also the open-file budget check.
import net from 'node:net';
import { startEmbeddedBackend } from '../backend/embedded.js';
import type { EmbeddedBackend } from '../backend/types.js';
import { ToolError } from '../errors/tool-error.js';
import type { ResolvedScenario } from '../scenario/types.js';
import { FD_RESERVE, openFileLimit } from '../transports/fd-budget.js';
import { OtaHttpClient } from '../transports/http/index.js';
import { assertMqttReachable, parseMqttUrl } from '../transports/mqtt/index.js';
import { needsProxy, proxyTargets, type ProxiedTargets } from './proxied-targets.js';

export interface LiveTargets {
  /** Brokers as they are: the independent subscriber connects here. */
  mqttUrls: string[];
  httpUrl: string | null;
  backend: EmbeddedBackend | null;
  /** External targets with backend faults: devices go through fault proxies. */
  proxied: ProxiedTargets | null;
}

/** Loopback only: 127.0.0.0/8, ::1, localhost. */
export function isLoopbackHost(host: string): boolean {
  if (host === 'localhost') return true;
  if (net.isIPv4(host)) return host.startsWith('127.');
  return host === '::1';
}

function assertLoopback(url: string, host: string, where: string): void {
  if (isLoopbackHost(host)) return;
  throw new ToolError('FLEETSTORM_ERR_CLI_ARGUMENT', 'live targets must be on this machine (loopback)', {
    where,
    got: url,
    fix: 'use a 127.0.0.x or localhost URL (or run the load generator next to the backend)',
  });
}

function embeddedOptions(s: ResolvedScenario): Parameters<typeof startEmbeddedBackend>[0] {
  const r = s.rollout;
  if (!r) return { host: '127.0.0.1' };
  const fw = { version: r.firmware.version, sizeBytes: r.firmware.sizeBytes };
  // The campaign (src/backend/campaign.ts, in the driver) decides who updates; the server
  // answers every check-in of an older version with the image's URL and digest.
  return {
    host: '127.0.0.1',
    firmware: [fw],
    offerFor: (_id, _type, version) => (version === fw.version ? null : fw),
  };
}

export async function prepareTargets(s: ResolvedScenario): Promise<LiveTargets> {
  if (s.target.mqttUrls.length === 0) {
    const backend = await startEmbeddedBackend(embeddedOptions(s));
    return { mqttUrls: [backend.mqttUrl], httpUrl: backend.httpUrl, backend, proxied: null };
  }
  for (const url of s.target.mqttUrls) assertLoopback(url, parseMqttUrl(url).host, 'target mqtt');
  const http = s.target.httpUrl;
  if (http !== null) assertLoopback(http, hostOf(http), 'target http');
  await Promise.all(s.target.mqttUrls.map((url) => assertMqttReachable(parseMqttUrl(url), 2000)));
  if (http !== null && s.rollout) {
    const client = new OtaHttpClient({ baseUrl: http });
    try {
      await client.assertReachable();
    } finally {
      await client.close();
    }
  }
  const proxied = needsProxy(s) ? await proxyTargets(s.target.mqttUrls, http) : null;
  return { mqttUrls: [...s.target.mqttUrls], httpUrl: http, backend: null, proxied };
}

function hostOf(url: string): string {
  try {
    return new URL(url).hostname.replace(/^\[(.*)\]$/, '$1');
  } catch {
    throw new ToolError('FLEETSTORM_ERR_TARGET_UNREACHABLE', 'the HTTP target is not a URL', {
      where: 'target http',
      got: url,
      fix: 'use http://127.0.0.1:port',
    });
  }
}

/** Devices' sockets that may be open at once in this process. */
export function concurrentSockets(devices: number, maxConcurrent: number): number {
  return Math.min(devices, maxConcurrent);
}

/**
 * Fails up front (FLEETSTORM_ERR_FD_LIMIT) when the sockets this process may hold do not fit
 * the open-file limit. The embedded backend runs in-process: its side of every connection is a
 * descriptor too.
 */
export function assertLiveFdBudget(
  sockets: number,
  brokers: number,
  embedded: boolean,
  limit = openFileLimit(),
): void {
  if (limit === undefined) return;
  const httpSockets = 2 * 64;
  const needed = (sockets + brokers) * (embedded ? 2 : 1) + httpSockets * (embedded ? 2 : 1) + FD_RESERVE;
  if (needed <= limit) return;
  throw new ToolError(
    'FLEETSTORM_ERR_FD_LIMIT',
    `${sockets} concurrent device connections need about ${needed} open files`,
    {
      where: 'live.max-concurrent-connections',
      got: `open-file limit ${limit}${embedded ? ' (the embedded backend in this process doubles it)' : ''}`,
      fix: `lower live.max-concurrent-connections, use duty-cycled devices, raise the limit (ulimit -n ${needed}) or split the fleet with --shard i/N over several processes`,
    },
  );
}

/** Closes what prepareTargets started (embedded backend or fault proxies). */
export async function closeTargets(t: LiveTargets): Promise<void> {
  await t.proxied?.close();
  await t.backend?.close();
}
