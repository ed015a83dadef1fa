// mosquitto_sub as an independent observer of what a broker delivered: the fleet's own
// subscriber is ours, this one is not.
import { spawn, type ChildProcess } from 'node:child_process';
import { onTestFinished } from 'vitest';
import { startMosquitto, type MosquittoHandle } from '../../bench/lib/mosquitto.js';

function hostArgs(port: number): string[] {
  return ['-h', '127.0.0.1', '-p', String(port)];
}

/**
 * `mosquitto_sub -v` on `topic`: one `topic payload` line per message. mosquitto_sub prints
 * nothing when it has subscribed, so `ready` resolves once a probe published to `probeTopic`
 * (which must match `topic`) came back. `v5Format`: subscribe with MQTT 5 and print each message
 * in this `-F` format instead (`%t %D %p`: topic, correlation data, payload), starting with `%t `.
 */
export function mosquittoSub(
  port: number,
  topic: string,
  probeTopic: string,
  v5Format?: string,
): { child: ChildProcess; lines: string[]; ready: Promise<void> } {
  const output = v5Format === undefined ? ['-v'] : ['-V', '5', '-F', v5Format];
  const child = spawn('mosquitto_sub', [...hostArgs(port), '-q', '1', ...output, '-t', topic]);
  const lines: string[] = [];
  let buf = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    buf += chunk.toString('utf8');
    const parts = buf.split('\n');
    buf = parts.pop() ?? '';
    lines.push(...parts.filter((l) => l !== ''));
  });
  const ready = new Promise<void>((resolve, reject) => {
    child.once('error', (e) => reject(missingClients(e)));
    const poll = (): void => {
      if (lines.some((l) => l.startsWith(`${probeTopic} `))) return resolve();
      const pub = spawn('mosquitto_pub', [...hostArgs(port), '-q', '1', '-t', probeTopic, '-m', 'probe']);
      pub.once('error', (e) => reject(missingClients(e)));
      pub.once('exit', () => setTimeout(poll, 50));
    };
    poll();
  });
  return { child, lines, ready };
}

/** A clear failure instead of a test timeout when the observer's programs are not installed. */
function missingClients(e: Error): Error {
  const missing = (e as NodeJS.ErrnoException).code === 'ENOENT';
  return new Error(
    missing ? 'mosquitto_sub/mosquitto_pub not found: apt-get install mosquitto-clients' : e.message,
  );
}

/** mosquitto on a free port, stopped when the test finishes (stopping it earlier is fine). */
export async function mosquittoForTest(): Promise<MosquittoHandle> {
  const broker = await startMosquitto();
  onTestFinished(() => broker.stop());
  return broker;
}

/** `mosquittoSub`, subscribed (`ready` awaited) and killed when the test finishes. */
export async function observedUntilFinished(
  port: number,
  topic: string,
  probeTopic: string,
  v5Format?: string,
): Promise<{ child: ChildProcess; lines: string[] }> {
  const watch = mosquittoSub(port, topic, probeTopic, v5Format);
  onTestFinished(() => void watch.child.kill('SIGTERM'));
  await watch.ready;
  return watch;
}

/** The retained messages a new subscriber to `topic` gets (at most `count`, waiting `waitSec`). */
export function retainedNow(port: number, topic: string, count: number, waitSec = 3): Promise<string[]> {
  const args = [
    ...hostArgs(port),
    '-v',
    '-t',
    topic,
    '--retained-only',
    '-C',
    String(count),
    '-W',
    String(waitSec),
  ];
  const child = spawn('mosquitto_sub', args);
  let out = '';
  const failed = new Promise<string[]>((_, reject) => child.once('error', (e) => reject(missingClients(e))));
  child.stdout.on('data', (c: Buffer) => (out += c.toString('utf8')));
  const done = new Promise<string[]>((resolve) =>
    child.once('exit', () => resolve(out.split('\n').filter((l) => l !== ''))),
  );
  return Promise.race([done, failed]);
}
