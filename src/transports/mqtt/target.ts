// Target URLs (mqtt://, mqtts://, tcp://, ws://, wss://) and a one-shot reachability probe that turns an
// unreachable broker into a ToolError before a run starts (a user problem, not data).
import net from 'node:net';
import { realTimers, type Timers } from '../../clock/real-clock.js';
import { ToolError } from '../../errors/tool-error.js';
import type { MqttTarget } from './types.js';

const DEFAULT_PORT = { mqtt: 1883, mqtts: 8883, ws: 80, wss: 443 } as const;
/** Where brokers commonly serve MQTT over WebSockets when the URL names no path. */
const DEFAULT_WS_PATH = '/mqtt';

export function parseMqttUrl(url: string): MqttTarget {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw badUrl(url);
  }
  const scheme = parsed.protocol.replace(/:$/, '');
  const ws = scheme === 'ws' || scheme === 'wss';
  if (!ws && scheme !== 'mqtt' && scheme !== 'mqtts' && scheme !== 'tcp' && scheme !== 'tls')
    throw badUrl(url);
  const tls = scheme === 'mqtts' || scheme === 'tls' || scheme === 'wss';
  const kind = ws ? (tls ? 'wss' : 'ws') : tls ? 'mqtts' : 'mqtt';
  const port = parsed.port === '' ? DEFAULT_PORT[kind] : Number(parsed.port);
  const host = parsed.hostname.replace(/^\[(.*)\]$/, '$1');
  if (!ws) return { host, port, tls };
  const path = parsed.pathname === '' || parsed.pathname === '/' ? DEFAULT_WS_PATH : parsed.pathname;
  return { host, port, tls, wsPath: path + parsed.search };
}

function badUrl(url: string): ToolError {
  return new ToolError('FLEETSTORM_ERR_TARGET_UNREACHABLE', 'the MQTT target is not a usable URL', {
    where: 'target mqtt',
    got: url,
    fix: 'use mqtt://host:port, mqtts://host:port, ws://host:port/mqtt or wss://host:port/mqtt',
  });
}

/** Resolves when a TCP connection to the target opens; otherwise throws TARGET_UNREACHABLE. */
export function assertMqttReachable(
  target: MqttTarget,
  timeoutMs = 3000,
  timers: Timers = realTimers,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: target.address ?? target.host, port: target.port });
    const fail = (why: string): void => {
      socket.destroy();
      reject(
        new ToolError('FLEETSTORM_ERR_TARGET_UNREACHABLE', 'the MQTT broker cannot be reached', {
          where: 'target mqtt',
          got: `${target.host}:${target.port}${target.address ? ` at ${target.address}` : ''} (${why})`,
          fix: 'start the broker (or `fleetstorm serve`) or correct the target URL',
        }),
      );
    };
    const timer = timers.setTimeout(() => fail(`no answer in ${timeoutMs} ms`), timeoutMs);
    socket.once('connect', () => {
      timers.clearTimeout(timer);
      socket.destroy();
      resolve();
    });
    socket.once('error', (err: NodeJS.ErrnoException) => {
      timers.clearTimeout(timer);
      fail(err.code ?? err.message);
    });
  });
}
