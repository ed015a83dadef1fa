// `fleetstorm serve --rollout <scenario>` holds the scenario's rollout as an update server: a
// run of the same scenario against it as an external target updates the fleet (needs
// `npm run build`). Without --rollout the server offers nothing, and the run says so.
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { runLive } from '../../../src/app/live-engine.js';
import { loadScenario } from '../../../src/scenario/index.js';
import { startServe } from '../../helpers/serve.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

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
  const { child: p, urls } = await startServe(['--rollout', file]);
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
