// Backend-side faults against an external target: devices reach the HTTP API (and each broker,
// when `backend-slow` or `broker-reject` needs it) through a built-in TCP fault proxy on
// loopback, which turns `backend-outage` into reset and refused connections, `backend-slow` into
// added latency and `broker-reject` into refusing CONNACKs and HTTP 503 answered by the proxy
// itself. An outage alone needs no proxy in front of the brokers: the devices reset their own
// MQTT connections and refuse their own connects while it lasts (src/live/mqtt-side.ts), so
// their bytes do not pass through two more sockets in this process for the whole run. The
// independent subscriber still talks to the broker directly, so it keeps counting what the
// broker delivers.
import net from 'node:net';
import type { BackendFaults } from '../backend/types.js';
import { startFaultProxy, type FaultProxy } from '../faults/proxy/index.js';
import type { ResolvedScenario } from '../scenario/types.js';
import { parseMqttUrl } from '../transports/mqtt/index.js';
import type { TargetHost } from './target-hosts.js';

/** Added one-way latency per unit of slow-factor above 1, like the embedded backend's default. */
const SLOW_UNIT_MS = 50;

export interface ProxiedTargets {
  deviceMqttUrls: string[];
  deviceHttpUrl: string | null;
  /**
   * Host names the devices' URLs keep (TLS checks them, HTTP sends them as Host), mapped to the
   * proxies on 127.0.0.1 like `--resolve` entries.
   */
  deviceResolve: Record<string, string>;
  faults: BackendFaults;
  /**
   * The brokers are behind the proxies too. When false, a `backend-outage` reaches the devices'
   * MQTT sessions through LiveMqtt.cutLinks (the proxies only hold the HTTP API).
   */
  mqttProxied: boolean;
  close(): Promise<void>;
}

/** Which targets the scenario's backend faults need a proxy in front of (mqtt implies http). */
export interface ProxyNeeds {
  mqtt: boolean;
  http: boolean;
}

export function proxyNeeds(s: ResolvedScenario): ProxyNeeds {
  const has = (type: string): boolean => s.faults.some((f) => f.type === type);
  const any = has('backend-outage') || has('backend-slow') || has('broker-reject');
  return { mqtt: has('backend-slow') || has('broker-reject'), http: any };
}

/** The URL at the proxy's port; a host name is kept (mapped to 127.0.0.1), an address replaced. */
function rewrite(url: string, port: number): string {
  const u = new URL(url);
  if (net.isIP(u.hostname.replace(/^\[(.*)\]$/, '$1')) !== 0) u.hostname = '127.0.0.1';
  u.port = String(port);
  return u.toString().replace(/\/$/, url.endsWith('/') ? '/' : '');
}

/** `mqttProxies[b]`: the proxy in front of broker b (the b-th `target.mqtt` URL). */
function faultsOver(proxies: FaultProxy[], mqttProxies: FaultProxy[]): BackendFaults {
  const all = (fn: (p: FaultProxy) => void): void => proxies.forEach(fn);
  return {
    outage: () => all((p) => p.outage(true)),
    endOutage: () => all((p) => p.outage(false)),
    brokerOutage: (brokers, on) => brokers.forEach((b) => mqttProxies[b]?.outage(on)),
    slow: (factor) => all((p) => p.setLatency(Math.max(0, factor - 1) * SLOW_UNIT_MS)),
    reject: (on) => all((p) => p.reject(on)),
  };
}

/**
 * Puts a fault proxy in front of each located target of a kind `needs` names (it connects to the
 * first address); the others keep their URLs.
 */
export async function proxyTargets(hosts: readonly TargetHost[], needs: ProxyNeeds): Promise<ProxiedTargets> {
  const proxies: FaultProxy[] = [];
  const mqttProxies: FaultProxy[] = [];
  const deviceMqttUrls: string[] = [];
  let deviceHttpUrl: string | null = null;
  const deviceResolve: Record<string, string> = {};
  try {
    for (const h of hosts) {
      if (!needs[h.kind]) {
        if (h.kind === 'mqtt') deviceMqttUrls.push(h.url);
        else deviceHttpUrl = h.url;
        continue;
      }
      const mqtt = h.kind === 'mqtt' ? parseMqttUrl(h.url) : null;
      // TLS and WebSocket streams pass through as bytes (no MQTT framing to act on)
      const tls = mqtt ? mqtt.tls || mqtt.wsPath !== undefined : h.url.startsWith('https:');
      const p = await startFaultProxy({
        listenHost: '127.0.0.1',
        listenPort: 0,
        target: { host: h.addresses[0] ?? h.host, port: h.port },
        protocol: tls ? 'tcp' : h.kind,
      });
      proxies.push(p);
      if (net.isIP(h.host) === 0) deviceResolve[h.host.toLowerCase()] = '127.0.0.1';
      if (h.kind === 'mqtt') mqttProxies.push(p);
      if (h.kind === 'mqtt') deviceMqttUrls.push(rewrite(h.url, p.port));
      else deviceHttpUrl = rewrite(h.url, p.port);
    }
    return {
      deviceMqttUrls,
      deviceHttpUrl,
      deviceResolve,
      faults: faultsOver(proxies, mqttProxies),
      mqttProxied: needs.mqtt,
      close: async () => closeAll(proxies),
    };
  } catch (e) {
    await closeAll(proxies);
    throw e;
  }
}

async function closeAll(proxies: FaultProxy[]): Promise<void> {
  await Promise.all(proxies.map((p) => p.close().catch(() => undefined)));
}
