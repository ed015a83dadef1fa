// `fleetstorm serve` as a user runs it (built dist): spawned on ports 0 with the given extra
// arguments, its bound URLs read from what it prints, killed when the test finishes if it still
// runs.
import { spawn, type ChildProcess } from 'node:child_process';
import { onTestFinished } from 'vitest';
import { BIN } from './cli.js';

function readUrls(p: ChildProcess): Promise<{ mqtt: string; http: string }> {
  return new Promise((resolve, reject) => {
    let text = '';
    p.stdout?.on('data', (b: Buffer) => {
      text += b.toString();
      const mqtt = /^mqtt: (\S+)$/m.exec(text)?.[1];
      const http = /^http: (\S+)$/m.exec(text)?.[1];
      if (mqtt && http) resolve({ mqtt, http });
    });
    p.once('exit', (code) => reject(new Error(`serve exited early (${code})`)));
  });
}

export async function startServe(
  args: readonly string[] = [],
): Promise<{ child: ChildProcess; urls: { mqtt: string; http: string } }> {
  const child = spawn(process.execPath, [BIN, 'serve', '--mqtt-port', '0', '--http-port', '0', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  onTestFinished(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  return { child, urls: await readUrls(child) };
}
