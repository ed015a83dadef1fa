// What a broker fault does to the measurement itself (hardening, findings 9 and 16): the
// end-to-end subscriber reconnects with its persistent session after a broker restart (it
// stayed away for good before, so mqtt_delivered_total froze while acks went on) and the report
// states the gap; a silent broker (accepts, never answers) ends the run with every pending
// connect counted as failed.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runLive } from '../../../src/app/live-engine.js';
import { freePort, mosquittoInstalled } from '../../../bench/lib/mosquitto.js';
import { resolveScenarioObject } from '../../../src/scenario/index.js';
import { liveScenario } from './live-helpers.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function waitForPort(port: number): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.connect(port, '127.0.0.1', () => (s.destroy(), resolve(true)));
      s.on('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`mosquitto did not listen on ${port}`);
}

/** mosquitto on a fixed port, so it can be restarted where the clients expect it. */
async function mosquittoOn(port: number, dir: string): Promise<ChildProcess> {
  const conf = join(dir, 'mosquitto.conf');
  writeFileSync(
    conf,
    `listener ${port} 127.0.0.1\nallow_anonymous true\npersistence false\nlog_type error\n`,
  );
  const child = spawn('mosquitto', ['-c', conf], { stdio: 'ignore' });
  await waitForPort(port);
  return child;
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
}

describe.skipIf(!mosquittoInstalled())('the end-to-end subscriber after a broker restart', () => {
  it('reconnects, keeps counting deliveries and states the gap', { timeout: 90_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fleetstorm-restart-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const port = await freePort();
    let broker = await mosquittoOn(port, dir);
    cleanups.push(() => stop(broker));
    // 40 gateways publish once a virtual minute at speed 20: about 13 publishes per real second.
    const s = await liveScenario(
      { devices: 40, duration: '4m', speed: 20 },
      { targetMqtt: [`mqtt://127.0.0.1:${port}`] },
    );
    const restart = setTimeout(() => {
      void (async () => {
        await stop(broker);
        broker = await mosquittoOn(port, dir);
      })();
    }, 5000);
    cleanups.push(() => clearTimeout(restart));
    const r = await runLive(s, { workers: 1 });
    expect(r.status).toBe('completed');
    expect(r.warnings.join('\n')).toMatch(/the end-to-end subscriber lost broker 0 1 time, away [\d.]+ s/);
    expect(r.live.acked).toBeGreaterThan(100);
    // Frozen at the restart before: about a quarter of the acks. Now nearly all arrive.
    expect(r.live.delivered).toBeGreaterThan(0.7 * r.live.acked);
  });

  it(
    'the operator reconnects too: an operation after the restart is sent and answered',
    { timeout: 90_000 },
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'fleetstorm-restart-'));
      cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
      const port = await freePort();
      let broker = await mosquittoOn(port, dir);
      cleanups.push(() => stop(broker));
      const doc = {
        name: 'operator-restart',
        seed: 3,
        mode: 'live',
        duration: '4m',
        fleet: [
          {
            count: 30,
            device: { name: 'cmd-gw', extends: 'gateway', commands: { topic: 'r/{id}/cmd' } },
          },
        ],
        'power-on': { spread: '10s' },
        live: { speed: 20 },
        // before the restart (real 3 s = virtual 1m) and well after it
        operations: [
          { at: '30s', name: 'before', command: { name: 'ping' } },
          { at: '3m', name: 'after', command: { name: 'ping' } },
        ],
      };
      const s = await resolveScenarioObject(doc, 'operator-restart (in memory)', {
        env: {},
        overrides: { targetMqtt: [`mqtt://127.0.0.1:${port}`] },
      });
      const restart = setTimeout(() => {
        void (async () => {
          await stop(broker);
          broker = await mosquittoOn(port, dir);
        })();
      }, 3000);
      cleanups.push(() => clearTimeout(restart));
      const r = await runLive(s, { workers: 1 });
      expect(r.status).toBe('completed');
      expect(r.warnings.join('\n')).toContain("the operator's connection was closed once during the run");
      expect(r.agg.counter('command_sent_total')).toBe(60);
      // every device reconnected and subscribed again: the second operation is answered in full
      expect(r.agg.counter('command_replied_total')).toBe(60);
    },
  );
});

describe('a silent broker (accepts, never sends CONNACK)', () => {
  it('ends the run with every pending connect counted as failed', { timeout: 90_000 }, async () => {
    const sockets = new Set<net.Socket>();
    const silent = net.createServer((c) => {
      sockets.add(c);
      c.on('data', () => undefined);
      c.on('error', () => undefined);
    });
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', () => r()));
    cleanups.push(
      () =>
        new Promise<void>((r) => {
          for (const c of sockets) c.destroy();
          silent.close(() => r());
        }),
    );
    const port = (silent.address() as net.AddressInfo).port;
    const s = await liveScenario(
      { devices: 10, duration: '1m', speed: 10 },
      { targetMqtt: [`mqtt://127.0.0.1:${port}`] },
    );
    const r = await runLive(s, { workers: 1 });
    expect(r.reachedUs).toBe(s.durationUs);
    const attempts = r.agg.counter('mqtt_connect_attempts_total');
    expect(attempts).toBeGreaterThan(0);
    expect(r.agg.counter('mqtt_connect_success_total')).toBe(0);
    expect(r.agg.counter('mqtt_connect_failed_total{reason="timeout"}')).toBe(attempts);
  });
});
