// The fleetstorm OTA protocol end to end in live mode: the embedded backend's deployment desk
// decides who is offered the update (waves, failure limit) from the devices' status reports,
// and the devices follow the server's answers; a server-side abort mid-wave stops them. Counts
// and states are asserted, never wall-clock speed.
import { afterEach, describe, expect, it } from 'vitest';
import { runLive } from '../../../src/app/live-engine.js';
import { runResolved } from '../../../src/app/run.js';
import { startEmbeddedBackend } from '../../../src/backend/embedded.js';
import { serveImage } from '../../../src/backend/firmware-route.js';
import type { EmbeddedBackend, HttpRoute } from '../../../src/backend/types.js';
import { monotonicUs } from '../../../src/clock/real-clock.js';
import { embeddedDesk, protocolMounts } from '../../../src/live/embedded-desk.js';
import { resolveScenarioObject, type ResolvedScenario } from '../../../src/scenario/index.js';

interface Doc {
  devices: number;
  duration: string;
  rollout: Record<string, unknown>;
  ota?: Record<string, unknown>;
}

function scenario(o: Doc, overrides: Record<string, unknown> = {}): Promise<ResolvedScenario> {
  const device = {
    name: 'fs-gateway',
    extends: 'gateway',
    ota: {
      protocol: 'fleetstorm',
      'check-interval': '30s',
      verify: '20s..30s',
      install: '5s..10s',
      reboot: '5s..10s',
      'health-check': '5s..10s',
      'retry-backoff': { policy: 'none', base: '10s', max: '10s' },
      ...(o.ota ?? {}),
    },
  };
  const doc = {
    name: 'live-ota-fleetstorm',
    seed: 11,
    mode: 'live',
    duration: o.duration,
    fleet: [{ device, count: o.devices }],
    'power-on': { spread: '10s' },
    live: { speed: 60, 'max-concurrent-connections': 1000 },
    rollout: o.rollout,
  };
  return resolveScenarioObject(doc, 'live-ota-fleetstorm (in memory)', { env: {}, overrides });
}

let backend: EmbeddedBackend | null = null;
afterEach(async () => {
  await backend?.close();
  backend = null;
});

describe('fleetstorm OTA protocol, live, against the embedded deployment desk', () => {
  it('the server pauses the campaign when wave 1 fails too often: wave 2 is never offered', async () => {
    const rollout = {
      firmware: { version: '9.0.0', size: '64KiB' },
      start: '20s',
      waves: ['30%', '100%'],
      'wave-when-done': '100%',
      'failure-limit': { ratio: '10%', action: 'pause' },
    };
    const s = await scenario({ devices: 40, duration: '6m', rollout, ota: { 'health-failure': '60%' } });
    const r = await runLive(s, { workers: 1 });
    expect(r.status).toBe('completed');
    const server = r.otaServer;
    expect(server).toBeDefined();
    expect(server?.campaign?.state).toBe('paused');
    expect(server?.campaign?.reason).toContain('wave 1 failure ratio');
    const wave1 = r.rollout?.waves[0]?.targeted ?? 0;
    expect(wave1).toBeGreaterThanOrEqual(10);
    // Only wave 1 was ever offered, by the server's decision; every one of them finished.
    expect(r.agg.counter('ota_offered_total')).toBe(wave1);
    const states = Object.values(server?.deployments ?? {})[0] ?? {};
    expect((states.success ?? 0) + (states.failure ?? 0)).toBe(wave1);
    expect(states.failure ?? 0).toBeGreaterThan(0);
    expect(r.agg.counter('ota_succeeded_total')).toBe(states.success);
    expect(r.agg.counter('ota_rolled_back_total')).toBe(states.failure);
    // Every status the devices sent reached the server's status route, one per report.
    const reports = ['downloading', 'downloaded', 'installing', 'rebooting', 'success', 'failure'].reduce(
      (n, st) => n + r.agg.counter(`ota_reports_total{state="${st}"}` as never),
      0,
    );
    // Five states per device; a download that outlived its deadline is retried and reported again.
    expect(reports).toBeGreaterThanOrEqual(5 * wave1);
    const status = server?.endpoints.find((e) => e.name === 'fleetstorm status');
    expect(status?.requests).toBe(reports);
    expect(status?.errors).toBe(0);
    const checkin = server?.endpoints.find((e) => e.name === 'fleetstorm checkin');
    expect(checkin?.requests).toBe(r.agg.counter('ota_requests_total{endpoint="check"}'));
    expect(server?.transitions[Object.keys(server.transitions)[0] ?? '']?.['pending→downloading']).toBe(
      wave1,
    );
  }, 60_000);

  it('a server-side abort mid-wave stops the devices: nothing installs, each one counts the abort', async () => {
    const rollout = { firmware: { version: '9.1.0', size: '64KiB' }, start: '10s', waves: ['100%'] };
    const s0 = await scenario({ devices: 12, duration: '3m', rollout });
    const desk = await embeddedDesk(s0);
    if (desk === null) throw new Error('no desk');
    // The firmware route holds every download until the test has aborted the deployment.
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const held: HttpRoute = {
      name: 'held firmware',
      method: 'GET',
      pattern: /^\/v1\/firmware\/([^/]+)$/,
      async handle(req, res, params) {
        await gate;
        serveImage(
          req,
          res,
          { version: params[0] ?? '', sizeBytes: 64 * 1024 },
          {
            firmwareRequests: 0,
            rangeRequests: 0,
            firmwareBytesSent: 0,
          },
        );
      },
    };
    const mounts = protocolMounts(desk);
    backend = await startEmbeddedBackend({
      host: '127.0.0.1',
      routes: [held, ...(mounts.routes ?? [])],
      firmware: [{ version: '9.1.0', sizeBytes: 64 * 1024 }],
    });
    const t0 = monotonicUs();
    desk.setClock(() => (monotonicUs() - t0) * 60);
    const s = await scenario(
      { devices: 12, duration: '3m', rollout },
      { targetMqtt: [backend.mqttUrl], targetHttp: backend.httpUrl },
    );
    const run = runLive(s, { workers: 1 });
    // Abort once every device is downloading (held by the route), then let the bytes go.
    for (let i = 0; i < 2000; i++) {
      const st = Object.values(desk.states())[0];
      if ((st?.downloading ?? 0) >= 12) break;
      await new Promise((r) => setTimeout(r, 5));
    }
    desk.abort('stopped by the test');
    release();
    const r = await run;
    expect(r.status).toBe('completed');
    const states = Object.values(desk.states())[0];
    expect(states?.aborted).toBe(12);
    expect(r.agg.counter('ota_offered_total')).toBe(12);
    expect(r.agg.counter('ota_aborted_total{by="server"}')).toBe(12);
    expect(r.agg.counter('ota_succeeded_total')).toBe(0);
    expect(r.agg.counter('ota_reports_total{state="installing"}')).toBe(0);
  }, 60_000);

  it('against a server that holds no deployment (fleetstorm serve), nothing is offered and the report says why', async () => {
    backend = await startEmbeddedBackend({ host: '127.0.0.1' }); // as `fleetstorm serve` starts it
    const rollout = { firmware: { version: '9.2.0', size: '64KiB' }, start: '10s', waves: ['100%'] };
    const s = await scenario(
      { devices: 10, duration: '2m', rollout },
      { targetMqtt: [backend.mqttUrl], targetHttp: backend.httpUrl },
    );
    const r = await runLive(s, { workers: 1 });
    expect(r.status).toBe('completed');
    expect(r.agg.counter('ota_requests_total{endpoint="check"}')).toBeGreaterThanOrEqual(10);
    expect(r.agg.counter('ota_offered_total')).toBe(0);
    expect(r.agg.counter('ota_download_started_total')).toBe(0);
    const why = r.warnings.find((w) => w.startsWith('rollout: the update server answered all'));
    expect(why).toContain('no download started');
    expect(why).toContain('fleetstorm serve');
  }, 60_000);

  it('with --processes the parent holds the update server: waves run, and its view is in the merged report', async () => {
    const rollout = { firmware: { version: '9.3.0', size: '64KiB' }, start: '10s', waves: ['100%'] };
    const base = await scenario({ devices: 16, duration: '3m', rollout });
    const s = { ...base, live: { ...base.live, processes: 2 } };
    const { report } = await runResolved(s, { noFiles: true });
    expect(report.status).toBe('completed');
    expect(report.metrics.counters.ota_succeeded_total).toBe(16);
    const states = Object.values(report.ota?.server?.deployments ?? {})[0];
    expect(states?.success).toBe(16);
    expect(report.ota?.endpoints.find((e) => e.endpoint === 'report')?.requests).toBeGreaterThanOrEqual(
      5 * 16,
    );
  }, 60_000);
});
