// `fleetstorm serve --rollout <scenario>` holds the scenario's rollout as an update server: a
// run of the same scenario against it as an external target updates the fleet (needs
// `npm run build`). Without --rollout the server offers nothing, and the run says so.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { runLive } from '../../../src/app/live-engine.js';
import { loadScenario } from '../../../src/scenario/index.js';

const cleanups: (() => Promise<void>)[] = [];
let child: ChildProcess | null = null;
afterEach(async () => {
  if (child && child.exitCode === null) child.kill('SIGKILL');
  child = null;
  for (const c of cleanups.splice(0)) await c();
});

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

it('a run against `fleetstorm serve --rollout` of the same scenario updates every targeted device', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'fleetstorm-serve-rollout-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  const file = join(dir, 'rollout.json');
  const doc = {
    name: 'serve-rollout',
    seed: 4,
    mode: 'live',
    duration: '3m',
    fleet: [
      {
        device: {
          name: 'gw',
          extends: 'gateway',
          ota: {
            discovery: 'poll',
            'check-interval': '20s',
            install: '5s..10s',
            reboot: '5s..10s',
            'health-check': '5s..10s',
          },
        },
        count: 12,
      },
    ],
    'power-on': { spread: '10s' },
    live: { speed: 60 },
    rollout: {
      firmware: { version: '3.0.0', size: '64KiB' },
      start: '10s',
      waves: ['50%', '100%'],
      'wave-interval': '30s',
    },
  };
  await writeFile(file, JSON.stringify(doc));
  const p = spawn(
    process.execPath,
    ['bin/fleetstorm.js', 'serve', '--mqtt-port', '0', '--http-port', '0', '--rollout', file],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  child = p;
  const urls = await readUrls(p);
  const s = await loadScenario(file, { overrides: { targetMqtt: [urls.mqtt], targetHttp: urls.http } });
  const r = await runLive(s, { workers: 1 });
  expect(r.status).toBe('completed');
  expect(r.agg.counter('ota_offered_total')).toBe(12);
  expect(r.agg.counter('ota_succeeded_total')).toBe(12);
  expect(r.rollout?.waves.map((w) => w.succeeded)).toEqual([
    r.rollout?.waves[0]?.targeted,
    r.rollout?.waves[1]?.targeted,
  ]);
  expect(r.warnings.some((w) => w.startsWith('rollout:'))).toBe(false);
  const exited = once(p, 'exit');
  p.kill('SIGINT');
  expect(((await exited) as [number | null])[0]).toBe(0);
}, 60_000);
