// Which hosts a live run talks to and where they are: each target URL's host name, mapped by
// `--resolve NAME:ADDR` / `target.resolve` without DNS, else looked up once before the run (so a
// misspelt name is a one-line error, not thousands of failed connects). Addresses are printed by
// `fleetstorm plan` and before a run against a host that is not this machine.
import dns from 'node:dns/promises';
import net from 'node:net';
import { ToolError } from '../errors/tool-error.js';
import { isUnroutableHost } from '../transports/http/offer.js';
import type { ResolvedScenario } from '../scenario/types.js';

export type HostVia = 'literal' | 'resolve' | 'dns';

export interface TargetHost {
  kind: 'mqtt' | 'http';
  url: string;
  /** Host name or IP literal as written (brackets of IPv6 removed). */
  host: string;
  port: number;
  addresses: string[];
  via: HostVia;
}

export type LookupAll = (host: string) => Promise<string[]>;

const dnsLookupAll: LookupAll = async (host) =>
  (await dns.lookup(host, { all: true, verbatim: true })).map((a) => a.address);

/** Loopback only: 127.0.0.0/8, ::1, localhost. */
export function isLoopbackHost(host: string): boolean {
  const h = host.toLowerCase().replace(/\.$/, '');
  if (h === 'localhost' || h.endsWith('.localhost')) return true;
  if (net.isIPv4(h)) return h.startsWith('127.');
  return h === '::1';
}

const DEFAULT_PORTS: Record<string, number> = {
  mqtt: 1883,
  tcp: 1883,
  mqtts: 8883,
  tls: 8883,
  ws: 80,
  wss: 443,
  http: 80,
  https: 443,
};

function hostOfUrl(url: string, kind: 'mqtt' | 'http'): { host: string; port: number } {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new ToolError('FLEETSTORM_ERR_CLI_ARGUMENT', `the ${kind.toUpperCase()} target is not a URL`, {
      where: `target ${kind}`,
      got: url,
      fix: kind === 'mqtt' ? 'use mqtt://host:port or mqtts://host:port' : 'use http://host:port',
    });
  }
  const scheme = u.protocol.replace(/:$/, '');
  return {
    host: u.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: u.port === '' ? (DEFAULT_PORTS[scheme] ?? 0) : Number(u.port),
  };
}

/** The target URLs of a live run with their hosts (none: the embedded backend). */
export function targetUrls(s: ResolvedScenario): Omit<TargetHost, 'addresses' | 'via'>[] {
  const out: Omit<TargetHost, 'addresses' | 'via'>[] = s.target.mqttUrls.map((url) => ({
    kind: 'mqtt',
    url,
    ...hostOfUrl(url, 'mqtt'),
  }));
  if (s.target.httpUrl !== null && s.target.mqttUrls.length > 0)
    out.push({ kind: 'http', url: s.target.httpUrl, ...hostOfUrl(s.target.httpUrl, 'http') });
  return out;
}

/** Some target host is not this machine by name (a `--resolve` to 127.0.0.2 still counts). */
export function hasRemoteTarget(s: ResolvedScenario): boolean {
  return targetUrls(s).some((t) => !isLoopbackHost(t.host));
}

/**
 * Where `host` is: an IP literal, a `--resolve` entry, or DNS. A name that does not resolve is
 * a ToolError (exit 3). Names under `.invalid` never resolve (RFC 6761 §6.4): no query is sent.
 */
export async function locateHost(
  host: string,
  map: Readonly<Record<string, string>>,
  where: string,
  lookup: LookupAll = dnsLookupAll,
): Promise<{ addresses: string[]; via: HostVia }> {
  if (net.isIP(host) !== 0) return { addresses: [host], via: 'literal' };
  const name = host.toLowerCase().replace(/\.$/, '');
  const mapped = map[name];
  if (mapped !== undefined) return { addresses: [mapped], via: 'resolve' };
  let addresses: string[] = [];
  let why = 'ENOTFOUND';
  if (!name.endsWith('.invalid') && name !== 'invalid') {
    try {
      addresses = await lookup(name);
    } catch (e) {
      why = (e as NodeJS.ErrnoException).code ?? 'lookup failed';
    }
  }
  if (addresses.length > 0) return { addresses, via: 'dns' };
  throw new ToolError('FLEETSTORM_ERR_TARGET_UNREACHABLE', 'the host name does not resolve', {
    where,
    got: `${host} (${why})`,
    fix: 'correct the host name, or map it to an address with --resolve NAME:ADDR (target.resolve)',
  });
}

/** Every target host of a live run, located (DNS only for names `--resolve` does not map). */
export async function locateTargets(s: ResolvedScenario, lookup?: LookupAll): Promise<TargetHost[]> {
  const map = s.target.resolve ?? {};
  const hosts = await Promise.all(
    targetUrls(s).map(async (t) => ({
      ...t,
      ...(await locateHost(t.host, map, `target ${t.kind}`, lookup)),
    })),
  );
  for (const h of hosts) assertConnectable(h);
  return hosts;
}

/** Unspecified, broadcast and multicast addresses are nothing to connect to (as for offers). */
function assertConnectable(h: TargetHost): void {
  const bad = h.addresses.find((a) => isUnroutableHost(a));
  if (bad === undefined) return;
  throw new ToolError('FLEETSTORM_ERR_CLI_ARGUMENT', 'the target is not an address to connect to', {
    where: `target ${h.kind}`,
    got: h.host === bad ? bad : `${h.host} → ${bad}`,
    fix: 'name the backend host or its address (unspecified, broadcast and multicast addresses are refused)',
  });
}

/**
 * One line per target, without the URL's credentials or path:
 * `mqtt broker.staging.test:1883 → 127.0.0.2 (--resolve)`.
 */
export function describeTargets(hosts: readonly TargetHost[]): string[] {
  const via: Record<HostVia, string> = { literal: 'address', resolve: '--resolve', dns: 'DNS' };
  const hostPort = (h: TargetHost): string => `${h.host.includes(':') ? `[${h.host}]` : h.host}:${h.port}`;
  return hosts.map((h) => `${h.kind} ${hostPort(h)} → ${h.addresses.join(', ')} (${via[h.via]})`);
}
