// A mosquitto behind the fault proxy's latency and bandwidth shaping (a slower link in front of
// a fast broker) or its connection-rate limit (a broker that caps its accept rate): the third
// and fourth broker shapes of the calibration benchmark. The proxy runs in a child
// process (bench/lib/shaped-proxy-main.ts), stopped by closing its stdin.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startMosquitto, type MosquittoHandle } from './mosquitto.js';

const MAIN = fileURLToPath(new URL('./shaped-proxy-main.ts', import.meta.url));

export interface Shaping {
  /** One-way latency added in each direction. */
  latencyMs: number;
  /** Per connection and direction (0: unlimited). */
  bytesPerSec: number;
  /** New connections let through to the broker per second, up to `burst` at once (0: unlimited). */
  connectsPerSec?: number;
  burst?: number;
}

export interface ShapedHandle {
  url: string;
  broker: MosquittoHandle;
  stop(): Promise<void>;
}

export async function startShapedMosquitto(shaping: Shaping): Promise<ShapedHandle> {
  const broker = await startMosquitto();
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      MAIN,
      ...[
        broker.port,
        shaping.latencyMs,
        shaping.bytesPerSec,
        shaping.connectsPerSec ?? 0,
        shaping.burst ?? 1,
      ].map(String),
    ],
    { stdio: ['pipe', 'pipe', 'inherit'] },
  );
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      out += chunk;
      const m = /port (\d+)/.exec(out);
      if (m) resolve(Number(m[1]));
    });
    child.once('exit', (code) => reject(new Error(`shaping proxy exited with ${code}`)));
  }).catch(async (e: unknown) => {
    await broker.stop();
    throw e;
  });
  return {
    url: `mqtt://127.0.0.1:${port}`,
    broker,
    stop: async () => {
      child.stdin.end();
      await exited;
      await broker.stop();
    },
  };
}
