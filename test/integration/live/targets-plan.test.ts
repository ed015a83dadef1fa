// A target that is not this machine by name, reached through `--resolve` (broker.staging.test →
// 127.0.0.2, where a private mosquitto listens): target.limits hold at the socket layer, the
// plan's offered-load envelope matches what the live run then measures, a plan above a limit is
// refused before anything is sent, and an IPv6 target (::1) works. Counts only, never speed.
import { afterEach, describe, expect, it } from 'vitest';
import { envelopeOf, meanPublishBytes, planScenario } from '../../../src/app/plan/index.js';
import { runResolved } from '../../../src/app/run.js';
import { startEmbeddedBackend } from '../../../src/backend/embedded.js';
import type { EmbeddedBackend } from '../../../src/backend/types.js';
import { ToolError } from '../../../src/errors/tool-error.js';
import type { Report } from '../../../src/reports/report-types.js';
import { resolveScenarioObject, type CliOverrides } from '../../../src/scenario/index.js';
import { mosquittoInstalled, startMosquitto, type MosquittoHandle } from '../../../bench/lib/mosquitto.js';

const NAME = 'broker.staging.test';
const SPEED = 6;

function scenario(o: {
  port: number;
  host?: string;
  interval: string;
  spread: string;
  limits?: Record<string, unknown>;
  devices?: number;
  speed?: number;
  duration?: string;
  /** Modelled radio bandwidth (virtual mode and the plan; live downloads run at loopback speed). */
  radioBandwidth?: string;
}): Record<string, unknown> {
  const host = o.host ?? NAME;
  return {
    name: 'staging-limits',
    seed: 11,
    mode: 'live',
    duration: o.duration ?? '60s',
    interval: o.interval,
    fleet: [
      {
        device: {
          name: 'gw',
          extends: 'gateway',
          connectivity: { 'clean-session': true },
          ...(o.radioBandwidth ? { radio: { profile: 'ethernet', bandwidth: o.radioBandwidth } } : {}),
          telemetry: { interval: '10s', jitter: '3s', payload: '100B' },
        },
        count: o.devices ?? 200,
      },
    ],
    'power-on': { spread: o.spread },
    live: { speed: o.speed ?? SPEED },
    target: {
      mqtt: `mqtt://${host.includes(':') ? `[${host}]` : host}:${o.port}`,
      ...(o.limits ? { limits: o.limits } : {}),
    },
  };
}

const RESOLVE: CliOverrides = { resolve: [`${NAME}:127.0.0.2`] };

async function resolved(doc: Record<string, unknown>, overrides: CliOverrides = RESOLVE) {
  return resolveScenarioObject(doc, 'staging (in memory)', { env: {}, overrides });
}

const counters = (r: Report, name: string): number[] => r.series.counters[name] ?? [];

describe.skipIf(!mosquittoInstalled() || process.env.FLEETSTORM_SKIP_MOSQUITTO === '1')(
  'targets anywhere, limits and plan (mosquitto on 127.0.0.2 and ::1)',
  () => {
    let broker: MosquittoHandle | null = null;
    let backend: EmbeddedBackend | null = null;
    afterEach(async () => {
      await broker?.stop();
      await backend?.close();
      broker = null;
      backend = null;
    });

    it('holds connects and publishes to target.limits through --resolve, and counts what it held', async () => {
      broker = await startMosquitto({ hosts: ['127.0.0.2'], extraConfig: ['set_tcp_nodelay true'] });
      // All 200 devices power on at once: 200 connects in the first real second (the plan's peak
      // equals the limit, so it passes), held by the limiter to 200/s within that second.
      const limits = { 'connect-rate': '200/s', 'publish-rate': '250/s' };
      const s = await resolved(scenario({ port: broker.port, interval: '1.5s', spread: '0s', limits }));
      const lines: string[] = [];
      const { report: r } = await runResolved(s, { noFiles: true, onPlan: (l) => lines.push(...l) });
      expect(r.status).toBe('completed');
      expect(lines.join('\n')).toContain(`mqtt ${NAME}:${broker.port} → 127.0.0.2 (--resolve)`);
      expect(r.metrics.counters.mqtt_connect_success_total).toBe(200);
      // 1.5 virtual s = 0.25 real s per interval. A held operation never goes before its reserved
      // time (timers never fire early), so by the end of interval k at most the bucket's burst
      // (100 ms of the rate) plus (k + 1) × 0.25 s of the rate can have gone out, whatever the
      // machine's load. Without the limiter all 200 CONNACKs land in the first interval.
      const withinRate = (name: string, ratePerSec: number): void => {
        let sum = 0;
        counters(r, name).forEach((n, k) => {
          sum += n;
          expect(sum).toBeLessThanOrEqual(ratePerSec * (0.1 + (k + 1) * 0.25) + 1);
        });
      };
      withinRate('mqtt_connect_success_total', 200);
      withinRate('mqtt_publish_acked_total', 250);
      expect(r.metrics.counters['target_limit_delayed_total{limit="connect_rate"}']).toBeGreaterThan(100);
      expect(r.warnings.join(' ')).toContain('target.limits held');
      // Held connects keep their intended time: the wait is in the connect latency.
      expect(r.metrics.histograms.mqtt_connect_duration_us?.maxUs).toBeGreaterThan(500_000);
    }, 60_000);

    it("plan's envelope matches what the live run measures within 10 %", async () => {
      broker = await startMosquitto({ hosts: ['127.0.0.2'], extraConfig: ['set_tcp_nodelay true'] });
      // interval 6 s virtual = 1 s real at speed 6: the plan's resolution.
      const s = await resolved(scenario({ port: broker.port, interval: '6s', spread: '24s' }));
      const plan = await planScenario(s, { workers: 1 });
      expect(plan.envelope.resolutionRealSec).toBe(1);
      const { report: r } = await runResolved(s, { noFiles: true });
      expect(r.status).toBe('completed');
      const live = envelopeOf(r.series, SPEED, meanPublishBytes(s));
      const figures: Record<string, [number, number]> = {};
      for (const load of ['connections', 'connectsPerSec', 'publishesPerSec'] as const) {
        const planned = plan.envelope.peaks[load].value;
        const measured = live.peaks[load].value;
        figures[load] = [planned, measured];
        expect(planned).toBeGreaterThan(0);
        expect(Math.abs(measured - planned) / planned).toBeLessThanOrEqual(0.1);
      }
      console.log('plan vs run (peaks per real second):', JSON.stringify(figures));
    }, 60_000);

    it('refuses a plan whose peak exceeds a limit (exit 2) before connecting to anything', async () => {
      // No broker at all: the refusal comes at load time, before the reachability probe (exit 3).
      const s = await resolved(
        scenario({ port: 9, interval: '6s', spread: '0s', limits: { 'connect-rate': '100/s' } }),
      );
      const e = await runResolved(s, { noFiles: true }).then(
        () => null,
        (err: unknown) => err,
      );
      expect(e).toBeInstanceOf(ToolError);
      const t = e as ToolError;
      expect(t.code).toBe('FLEETSTORM_ERR_TARGET_LIMIT');
      expect(t.exitCode).toBe(2);
      expect(t.where).toContain('target.limits.connect-rate');
      expect(t.toLine()).toContain('200/s');
      expect(t.toLine().split('\n')).toHaveLength(1);
    }, 60_000);

    it('reaches an HTTP API by name through --resolve and paces requests and downloaded bytes', async () => {
      const fw = { version: '9.0.0', sizeBytes: 4 * 1024 * 1024 };
      backend = await startEmbeddedBackend({
        host: '127.0.0.2',
        firmware: [fw],
        offerFor: (_id, _type, version) => (version === fw.version ? null : fw),
      });
      const mqttPort = Number(new URL(backend.mqttUrl).port);
      const httpPort = Number(new URL(backend.httpUrl).port);
      const rollout = { firmware: { version: fw.version, size: '4MiB' }, start: '1m', waves: ['100%'] };
      const doc: Record<string, unknown> = {
        ...scenario({
          port: mqttPort,
          interval: '1m',
          spread: '30s',
          devices: 2,
          speed: 60,
          duration: '8m',
          radioBandwidth: '256kbit/s',
        }),
        rollout,
      };
      // The plan counts both 4 MiB images in the second their (modelled, 131 s) downloads end:
      // 8.4 MB/s. On loopback each image arrives at once: reads are held to 10 MB/s.
      const limits = { 'request-rate': '40/s', bandwidth: '10MB/s' };
      doc.target = {
        mqtt: `mqtt://${NAME}:${mqttPort}`,
        http: `http://api.staging.test:${httpPort}`,
        limits,
      };
      const s = await resolved(doc, { resolve: [`${NAME}:127.0.0.2`, 'api.staging.test:127.0.0.2'] });
      const { report: r } = await runResolved(s, { noFiles: true });
      expect(r.status).toBe('completed');
      expect(r.metrics.counters.ota_succeeded_total).toBe(2);
      expect(r.metrics.counters.ota_downloaded_bytes_total).toBe(2 * fw.sizeBytes);
      expect(r.metrics.counters['ota_failed_total{reason="verify"}']).toBe(0);
      expect(r.metrics.counters['target_limit_delayed_total{limit="bandwidth"}']).toBeGreaterThan(0);
    }, 60_000);

    it('connects every device to an IPv6 target ([::1])', async () => {
      broker = await startMosquitto({ hosts: ['::1'] });
      expect(broker.url).toContain('[::1]');
      const s = await resolved(
        scenario({ port: broker.port, host: '::1', interval: '6s', spread: '12s', devices: 20 }),
        {},
      );
      const { report: r } = await runResolved(s, { noFiles: true });
      expect(r.status).toBe('completed');
      expect(r.metrics.counters.mqtt_connect_success_total).toBe(20);
      expect(r.metrics.counters.mqtt_publish_acked_total).toBeGreaterThan(0);
      expect(r.metrics.counters.mqtt_delivered_total).toBe(r.metrics.counters.mqtt_publish_acked_total);
    }, 60_000);
  },
);
