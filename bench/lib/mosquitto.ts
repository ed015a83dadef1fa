// Starts a private Debian mosquitto on a free loopback port with a generated config (never the
// system service), for integration tests and the live benchmark. Stopped by pid.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface MosquittoHandle {
  port: number;
  url: string;
  pid: number;
  /** Resident set size of the broker in bytes (Linux /proc), or 0. */
  rssBytes(): number;
  stop(): Promise<void>;
}

export const MOSQUITTO_MISSING =
  'mosquitto is not installed: run `apt-get install -y mosquitto` (or set FLEETSTORM_SKIP_MOSQUITTO=1 to skip these tests)';

export function mosquittoInstalled(): boolean {
  const probe = spawnSync('mosquitto', ['-h'], { stdio: 'ignore' });
  return probe.error === undefined;
}

/** A port that was free a moment ago (listen on 0, read it, close). */
export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, host, () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function waitForPort(port: number, child: ChildProcess, timeoutMs: number, host: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const attempt = (): void => {
      if (child.exitCode !== null) return reject(new Error(`mosquitto exited with ${child.exitCode}`));
      const socket = net.connect({ host, port });
      socket.once('connect', () => {
        socket.destroy();
        resolve();
      });
      socket.once('error', () => {
        socket.destroy();
        if (Date.now() > deadline) reject(new Error(`mosquitto did not listen on ${port}`));
        else setTimeout(attempt, 25);
      });
    };
    attempt();
  });
}

function readRss(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = /VmRSS:\s+(\d+) kB/.exec(status);
    return kb ? Number(kb[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

export interface MosquittoOptions {
  /** Extra config lines (e.g. `max_inflight_messages 0`). */
  extraConfig?: string[];
  /** PEM files: the listener then speaks MQTT over TLS. */
  tls?: { certFile: string; keyFile: string };
  verbose?: boolean;
  /** Loopback addresses to listen on (same port), e.g. ['127.0.0.2', '::1']. Default 127.0.0.1. */
  hosts?: string[];
}

const urlHost = (h: string): string => (h.includes(':') ? `[${h}]` : h);

async function startOnce(opts: MosquittoOptions): Promise<MosquittoHandle> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'fleetstorm-mosquitto-'));
  const conf = join(dir, 'mosquitto.conf');
  const lines = [
    ...(opts.hosts ?? ['127.0.0.1']).map((h) => `listener ${port} ${h}`),
    'allow_anonymous true',
    'max_connections -1',
    'persistence false',
    opts.verbose ? 'log_type all' : 'log_type error',
    ...(opts.tls ? [`certfile ${opts.tls.certFile}`, `keyfile ${opts.tls.keyFile}`] : []),
    ...(opts.extraConfig ?? []),
  ];
  writeFileSync(conf, lines.join('\n') + '\n');
  const child = spawn('mosquitto', ['-c', conf], {
    stdio: ['ignore', 'ignore', opts.verbose ? 'inherit' : 'ignore'],
  });
  const cleanup = (): void => rmSync(dir, { recursive: true, force: true });
  try {
    await waitForPort(port, child, 5000, opts.hosts?.[0] ?? '127.0.0.1');
  } catch (err) {
    child.kill('SIGKILL');
    cleanup();
    throw err;
  }
  const pid = child.pid as number;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    port,
    url: `${opts.tls ? 'mqtts' : 'mqtt'}://${urlHost(opts.hosts?.[0] ?? '127.0.0.1')}:${port}`,
    pid,
    rssBytes: () => readRss(pid),
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
      cleanup();
    },
  };
}

/** Starts mosquitto; retries on a lost port race. Throws MOSQUITTO_MISSING if not installed. */
export async function startMosquitto(opts: MosquittoOptions = {}): Promise<MosquittoHandle> {
  if (!mosquittoInstalled()) throw new Error(MOSQUITTO_MISSING);
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      return await startOnce(opts);
    } catch (err) {
      lastError = err;
    }
  }
  throw lastError;
}
