// Live mode end to end: real sockets against the embedded backend (started by the engine on
// 127.0.0.1, port 0) and, when installed, a private mosquitto. Runs are short (seconds of real
// time at 60x) and small (tens of devices); counts are asserted, never wall-clock speed.
import { afterEach, describe, expect, it } from 'vitest';
import { runResolved } from '../../../src/app/run.js';
import { runLive } from '../../../src/app/live-engine.js';
import { ToolError } from '../../../src/errors/tool-error.js';
import { assertLiveFdBudget } from '../../../src/live/targets.js';
import { loadScenario } from '../../../src/scenario/index.js';
import type { Report } from '../../../src/reports/report-types.js';
import {
  freePort,
  mosquittoInstalled,
  startMosquitto,
  type MosquittoHandle,
} from '../../../bench/lib/mosquitto.js';
import { liveScenario } from './live-helpers.js';

const counter = (r: Report, name: string): number => r.metrics.counters[name] ?? 0;

function expectDeliveryConsistent(r: Report): void {
  const sent = counter(r, 'mqtt_publish_total');
  const acked = counter(r, 'mqtt_publish_acked_total');
  const delivered = counter(r, 'mqtt_delivered_total');
  expect(sent).toBeGreaterThan(0);
  expect(acked).toBeLessThanOrEqual(sent);
  expect(delivered).toBeLessThanOrEqual(acked);
  expect(delivered).toBe(acked); // QoS 1 on loopback: every acknowledged publish arrives
}

async function rejection(p: Promise<unknown>): Promise<ToolError> {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(ToolError);
  return e as ToolError;
}

describe('live mode against the embedded backend', () => {
  it('runs the live quickstart: connects, publishes, and the subscriber receives what was acked', async () => {
    const s = await loadScenario('scenarios/live-quickstart.yaml', {
      env: {},
      overrides: { devices: 40, duration: '5m' },
    });
    const { report } = await runResolved(s, { noFiles: true });
    expect(report.status).toBe('completed');
    expect(counter(report, 'devices_powered_on_total')).toBe(40);
    expect(counter(report, 'mqtt_connect_success_total')).toBeGreaterThan(30);
    expectDeliveryConsistent(report);
  }, 40_000);

  it('counts in the report match what the independent subscriber received', async () => {
    const s = await liveScenario({ devices: 20, duration: '5m' });
    const r = await runLive(s, { workers: 1 });
    expect(r.status).toBe('completed');
    expect(r.live.sent).toBeGreaterThanOrEqual(20 * 3);
    expect(r.live.acked).toBe(r.live.sent);
    expect(r.live.delivered).toBe(r.live.acked);
    expect(r.agg.counter('mqtt_publish_failed_total{reason="disconnected"}')).toBe(0);
  }, 40_000);

  it('reconnects the fleet after the embedded broker has an outage', async () => {
    const faults = [{ type: 'backend-outage', at: '2m', duration: '1m' }];
    const s = await liveScenario({ devices: 20, duration: '6m', faults });
    const { report } = await runResolved(s, { noFiles: true });
    expect(report.status).toBe('completed');
    expect(counter(report, 'mqtt_disconnects_total{reason="outage"}')).toBe(20);
    expect(counter(report, 'outage_tracked_devices_total')).toBe(20);
    expect(counter(report, 'faults_injected_total{type="backend-outage"}')).toBe(1);
    expect(counter(report, 'mqtt_connect_success_total')).toBeGreaterThanOrEqual(40); // all connected twice
    expect(counter(report, 'outage_not_reconnected_total')).toBe(0);
    expect(report.metrics.histograms.outage_reconnect_duration_us?.count ?? 0).toBe(20);
  }, 40_000);

  it('starts a `when` fault at the first barrier where its condition holds', async () => {
    const faults = [{ type: 'backend-outage', when: 'fleet_online_ratio >= 100%', duration: '1m' }];
    const s = await liveScenario({ devices: 20, duration: '5m', faults });
    const { report } = await runResolved(s, { noFiles: true });
    expect(report.status).toBe('completed');
    const start = report.faults.find((f) => f.faultId === 'f0')?.atUs ?? -1;
    expect(start).toBeGreaterThan(0);
    expect(start % s.intervalUs).toBe(0);
    expect(counter(report, 'faults_injected_total{type="backend-outage"}')).toBe(1);
    expect(counter(report, 'mqtt_disconnects_total{reason="outage"}')).toBe(20);
  }, 40_000);

  it('never opens more sockets than max-concurrent-connections with duty-cycled devices', async () => {
    const s = await liveScenario({ devices: 60, duration: '4m', dutyCycle: true, maxConcurrent: 4 });
    const r = await runLive(s, { workers: 1 });
    expect(r.status).toBe('completed');
    expect(r.live.peakOpen).toBeLessThanOrEqual(4);
    expect(r.live.peakOpen).toBeGreaterThan(0);
    expect(r.agg.counter('mqtt_disconnects_total{reason="duty_cycle"}')).toBeGreaterThan(60);
    expect(r.live.delivered).toBe(r.live.acked);
    // Whether a connect had to wait depends on real timing; when one did, the report says so.
    expect(r.warnings.some((w) => w.includes('waited for a free socket'))).toBe(r.live.connectWaits > 0);
  }, 40_000);

  it('drops sockets on radio-drop and power-loss and the devices come back', async () => {
    const faults = [
      { type: 'radio-drop', who: '50%', at: '1m', duration: '20s' },
      { type: 'power-loss', who: '10%', at: '2m', duration: '20s' },
    ];
    const s = await liveScenario({ devices: 20, duration: '4m', faults });
    const { report } = await runResolved(s, { noFiles: true });
    expect(counter(report, 'mqtt_disconnects_total{reason="radio"}')).toBeGreaterThan(0);
    expect(counter(report, 'mqtt_disconnects_total{reason="power"}')).toBeGreaterThan(0);
    const drops =
      counter(report, 'mqtt_disconnects_total{reason="radio"}') +
      counter(report, 'mqtt_disconnects_total{reason="power"}');
    expect(counter(report, 'mqtt_connect_success_total')).toBeGreaterThanOrEqual(20 + drops);
  }, 40_000);
  it('radio-degrade latency holds the uplink: it shows in the publish latency, nothing is lost', async () => {
    const faults = [
      { type: 'radio-degrade', at: '0s', duration: '10m', params: { latency: '300ms', loss: '0%' } },
    ];
    const s = await liveScenario({ devices: 10, duration: '4m', faults });
    const r = await runLive(s, { workers: 1 });
    expect(r.status).toBe('completed');
    expect(r.live.sent).toBeGreaterThan(0);
    expect(r.live.acked).toBe(r.live.sent);
    // 300 ms of real time (a network latency is not scaled by the speed) before the PUBLISH leaves
    expect(r.agg.histogram('mqtt_publish_ack_duration_us').getValueAtPercentile(1)).toBeGreaterThan(290_000);
  }, 40_000);

  it('rolls firmware out over real HTTP downloads and finds half-open links by keepalive', async () => {
    const rollout = { firmware: { version: '9.0.0', size: '256KiB' }, start: '1m', waves: ['100%'] };
    const faults = [{ type: 'half-open', who: '30%', at: '30s' }];
    const s = await liveScenario({ devices: 10, duration: '8m', rollout, faults });
    const r = await runLive(s, { workers: 1 });
    expect(r.status).toBe('completed');
    expect(r.agg.counter('ota_succeeded_total')).toBe(10);
    expect(r.agg.counter('ota_downloaded_bytes_total')).toBe(10 * 256 * 1024);
    expect(r.agg.counter('ota_failed_total{reason="verify"}')).toBe(0);
    expect(r.rollout?.waves[0]?.succeeded).toBe(10);
    const hit = r.agg.counter('faults_injected_total{type="half-open"}');
    expect(hit).toBeGreaterThan(0);
    expect(r.agg.counter('mqtt_disconnects_total{reason="keepalive"}')).toBe(hit);
  }, 40_000);
});

describe('live mode targets and limits', () => {
  it('a target host name that does not resolve is TARGET_UNREACHABLE (exit 3), before sending anything', async () => {
    // `.invalid` never resolves (RFC 6761): no DNS query leaves the machine.
    const s = await liveScenario({}, { targetMqtt: ['mqtt://broker.fleetstorm.invalid:1883'] });
    const e = await rejection(runResolved(s, { noFiles: true }));
    expect(e.code).toBe('FLEETSTORM_ERR_TARGET_UNREACHABLE');
    expect(e.exitCode).toBe(3);
    expect(e.toLine()).toContain('broker.fleetstorm.invalid');
    expect(e.toLine()).toContain('--resolve');
  });

  it('refuses an HTTP target without an MQTT target (the embedded broker would answer instead)', async () => {
    const s = await liveScenario({}, { targetHttp: 'http://127.0.0.1:9' });
    const e = await rejection(runResolved(s, { noFiles: true }));
    expect(e.code).toBe('FLEETSTORM_ERR_CLI_ARGUMENT');
    expect(e.exitCode).toBe(2);
    expect(e.fix).toContain('--target-mqtt');
  });

  it('fails with TARGET_UNREACHABLE (exit 3) when nothing listens on the loopback target', async () => {
    const port = await freePort();
    const s = await liveScenario({}, { targetMqtt: [`mqtt://127.0.0.1:${port}`] });
    const e = await rejection(runResolved(s, { noFiles: true }));
    expect(e.code).toBe('FLEETSTORM_ERR_TARGET_UNREACHABLE');
    expect(e.exitCode).toBe(3);
  });

  it('refuses --speed max in live mode', async () => {
    const s = await liveScenario({}, { speed: 'max' });
    expect((await rejection(runLive(s, { workers: 1 }))).code).toBe('FLEETSTORM_ERR_CLI_ARGUMENT');
  });

  it('fails up front with FD_LIMIT when the sockets do not fit the open-file limit', () => {
    expect(() => assertLiveFdBudget(19_000, 1, 'embedded', 20_000)).toThrow(ToolError);
    expect(() => assertLiveFdBudget(19_000, 1, 'direct', 20_000)).not.toThrow();
    // a fault proxy in this process (backend-slow, broker-reject) holds two more per device
    expect(() => assertLiveFdBudget(6_400, 1, 'proxied', 20_000)).not.toThrow();
    expect(() => assertLiveFdBudget(7_000, 1, 'proxied', 20_000)).toThrow(ToolError);
    expect(() => assertLiveFdBudget(7_000, 1, 'direct', 20_000)).not.toThrow();
    try {
      assertLiveFdBudget(50_000, 1, 'direct', 20_000);
    } catch (e) {
      expect((e as ToolError).code).toBe('FLEETSTORM_ERR_FD_LIMIT');
      expect((e as ToolError).exitCode).toBe(3);
    }
  });
});

describe.skipIf(!mosquittoInstalled() || process.env.FLEETSTORM_SKIP_MOSQUITTO === '1')(
  'live mode against mosquitto',
  () => {
    let broker: MosquittoHandle | null = null;
    afterEach(async () => {
      await broker?.stop();
      broker = null;
    });

    it('spreads devices over two brokers and the subscriber sees every acked publish', async () => {
      broker = await startMosquitto({ extraConfig: ['set_tcp_nodelay true'] });
      const url = broker.url;
      const s = await liveScenario(
        { devices: 20, duration: '4m' },
        { targetMqtt: [url, url.replace('127.0.0.1', 'localhost')] },
      );
      const r = await runLive(s, { workers: 1 });
      expect(r.status).toBe('completed');
      expect(r.agg.counter('mqtt_connect_success_total')).toBe(20);
      expect(r.live.acked).toBe(r.live.sent);
      expect(r.live.delivered).toBe(r.live.acked);
    }, 40_000);
  },
);
