// A mosquitto behind the fault proxy's latency and bandwidth shaping: the third broker shape of
// the calibration benchmark (a slower link in front of a fast broker). The proxy runs in a child
// process (bench/lib/shaped-proxy-main.ts), stopped by closing its stdin.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startMosquitto, type MosquittoHandle } from './mosquitto.js';

const MAIN = fileURLToPath(new URL('./shaped-proxy-main.ts', import.meta.url));

export interface Shaping {
  /** One-way latency added in each direction. */
  latencyMs: number;
  /** Per connection and direction. */
  bytesPerSec: number;
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
    ['--import', 'tsx', MAIN, String(broker.port), String(shaping.latencyMs), String(shaping.bytesPerSec)],
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
