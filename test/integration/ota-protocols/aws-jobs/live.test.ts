// AWS IoT Jobs end to end in live mode: gateways whose OTA agent speaks Jobs over their own MQTT
// sessions to the embedded backend's jobs service, on a desk running the scenario's rollout.
// Waves; radio drops mid-download resumed (the HTTP bandwidth limit keeps downloads long
// enough); power loss during install kept on A/B; a server-side abort mid-wave (CANCELED).
// Every Jobs message is held against the documented schemas. Counts are asserted, never
// wall-clock speed.
import { describe, expect, it } from 'vitest';
import { runLive } from '../../../../src/app/live-engine.js';
import { wallClockMs } from '../../../../src/clock/real-clock.js';
import { awsJobsBrokerService } from '../../../../src/ota-protocols/aws-jobs/broker-service.js';
import type { AwsJobsService } from '../../../../src/ota-protocols/aws-jobs/service.js';
import { resolveScenarioObject } from '../../../../src/scenario/index.js';
import { runProtocolLive } from '../live-harness.js';
import { recorded, schemaProblems, type SeenMessage } from './harness.js';

const SPEED = 20;

interface Group {
  count: number;
  /** Device-side OTA settings on top of the test type's. */
  ota?: Record<string, unknown>;
}

interface Doc {
  groups: Group[];
  rollout: Record<string, unknown>;
  faults?: Record<string, unknown>[];
  duration?: string;
  /** `target.limits.bandwidth`: keeps real downloads long enough for drops to land in them. */
  bandwidth?: string;
}

/** The scenario, and an embedded backend whose broker runs the jobs service on its rollout. */
async function jobsRun(d: Doc) {
  const doc = (mqtt: string, http: string) => ({
    name: 'aws-jobs-live',
    seed: 11,
    mode: 'live',
    duration: d.duration ?? '8m',
    fleet: d.groups.map((g, i) => ({
      device: {
        name: `jobs-gateway-${i}`,
        extends: 'gateway',
        ota: { protocol: 'aws-iot-jobs', 'check-interval': '30s', 'max-attempts': 8, ...g.ota },
      },
      count: g.count,
    })),
    'power-on': { spread: '20s' },
    live: { speed: SPEED },
    target: { mqtt, http, ...(d.bandwidth ? { limits: { bandwidth: d.bandwidth } } : {}) },
    rollout: d.rollout,
    faults: d.faults ?? [],
  });
  const seen: SeenMessage[] = [];
  let service: AwsJobsService | null = null;
  const { r, desk } = await runProtocolLive({
    label: 'aws-jobs-live',
    speed: SPEED,
    doc,
    serve: (desk) => {
      const jobs = awsJobsBrokerService({ desk, nowMs: wallClockMs, onService: (s) => (service = s) });
      return { brokerServices: [recorded(jobs, seen)] };
    },
  });
  if (service === null) throw new Error('the jobs service did not start');
  return { r, desk, service: service as AwsJobsService, seen };
}

describe('AWS IoT Jobs in live mode against the embedded jobs service', () => {
  it('out of the box: the engine’s embedded backend runs the jobs service, measured per endpoint', async () => {
    const doc = {
      name: 'aws-jobs-embedded',
      seed: 4,
      mode: 'live',
      duration: '5m',
      fleet: [
        { device: { name: 'jobs-gw', extends: 'gateway', ota: { protocol: 'aws-iot-jobs' } }, count: 6 },
      ],
      'power-on': { spread: '10s' },
      live: { speed: 60 },
      rollout: { firmware: { version: '8.0.0', size: '64KiB' }, start: '30s', waves: ['100%'] },
    };
    const s = await resolveScenarioObject(doc, 'aws-jobs-embedded (in memory)', { env: {}, overrides: {} });
    const r = await runLive(s, { workers: 1 });
    const c = (name: string): number => r.agg.counter(name);
    expect(r.status).toBe('completed');
    expect(c('ota_succeeded_total')).toBe(6);
    const server = r.otaServer;
    const ep = (name: string) => server?.endpoints.find((e) => e.name === name);
    expect(ep('jobs start-next')?.requests).toBe(c('ota_requests_total{endpoint="check"}'));
    expect(ep('jobs update')?.requests).toBe(c('ota_requests_total{endpoint="report"}'));
    expect(ep('jobs update')?.errors).toBe(0);
    expect(ep('shadow update')?.requests).toBe(c('ota_requests_total{endpoint="inventory"}'));
    expect(ep('jobs start-next')?.ratePerSec).toBeGreaterThan(0);
    expect(Object.values(server?.deployments ?? {})[0]?.success).toBe(6);
  }, 60_000);

  it('two waves: every device commits, each reported state one accepted update, shadows updated', async () => {
    const rollout = {
      firmware: { version: '9.0.0', size: '128KiB' },
      start: '30s',
      waves: ['50%', '100%'],
      'wave-interval': '1m',
    };
    const { r, desk, service, seen } = await jobsRun({ groups: [{ count: 10 }], rollout });
    const c = (name: string): number => r.agg.counter(name);
    expect(r.status).toBe('completed');
    expect(c('ota_succeeded_total')).toBe(10);
    expect(desk.campaign.wavesStarted).toBe(2);
    expect(desk.states()[desk.deployment.id]?.success).toBe(10);
    expect(service.executions()).toEqual({ SUCCEEDED: 10 });
    // downloading, downloaded, installing, success: one update each (rebooting is not sent: the
    // device goes down with its session), every one accepted
    const states = ['downloading', 'downloaded', 'installing', 'success'];
    const reported = states.map((st) => c(`ota_reports_total{state="${st}"}`));
    expect(reported.slice(1)).toEqual([10, 10, 10]);
    expect(c('ota_reports_total{state="rebooting"}')).toBe(0);
    expect(c('ota_requests_total{endpoint="report"}')).toBe(reported.reduce((a, b) => a + b, 0));
    expect(service.counters.updateAccepted).toBe(c('ota_requests_total{endpoint="report"}'));
    expect(service.counters.updateRejected).toBe(0);
    expect(service.counters.startNext).toBe(c('ota_requests_total{endpoint="check"}'));
    // a shadow update per boot (power-on, the reboot into the new image) and one after the commit
    expect(c('ota_requests_total{endpoint="inventory"}')).toBe(10 * 3);
    expect(service.counters.shadowUpdate).toBe(10 * 3);
    for (const e of ['check', 'report', 'inventory'])
      expect(c(`ota_requests_failed_total{endpoint="${e}"}`)).toBe(0);
    expect(service.counters.queued).toBeGreaterThanOrEqual(10);
    expect(schemaProblems({ seen })).toEqual([]);
  }, 90_000);

  it('radio drops mid-download resume, power loss during install keeps the A/B slot and retries', async () => {
    const rollout = {
      firmware: { version: '9.1.0', size: '512KiB' },
      start: '30s',
      waves: ['40%', '100%'],
      'wave-interval': '1m',
    };
    const faults = [
      { type: 'radio-drop', who: '40%', during: 'ota.downloading', duration: '5s..15s' },
      { type: 'power-loss', who: '50%', during: 'ota.installing' },
    ];
    const { r, desk, service, seen } = await jobsRun({
      groups: [{ count: 20, ota: { install: '20s' } }],
      rollout,
      faults,
      duration: '12m',
      bandwidth: '8Mbit/s',
    });
    const c = (name: string): number => r.agg.counter(name);
    expect(r.status).toBe('completed');
    expect(c('ota_bricked_total')).toBe(0);
    expect(c('ota_succeeded_total')).toBeGreaterThan(0);
    expect(desk.states()[desk.deployment.id]?.success).toBe(c('ota_succeeded_total'));
    expect(c('faults_injected_total{type="radio-drop"}')).toBeGreaterThan(0);
    expect(c('ota_resumed_downloads_total')).toBeGreaterThan(0);
    expect(c('ota_failed_total{reason="verify"}')).toBe(0);
    expect(c('faults_injected_total{type="power-loss"}')).toBeGreaterThan(0);
    // a power cut in the last moments of the run may not have ended its attempt yet
    expect(c('ota_failed_total{reason="power"}')).toBeGreaterThan(0);
    expect(c('ota_failed_total{reason="power"}')).toBeLessThanOrEqual(
      c('faults_injected_total{type="power-loss"}'),
    );
    // what the devices sent reached the service, but for messages cut off with a session; a
    // request still awaiting its reply when the run ends is counted by the service only
    const inFlightAtEnd = 20;
    expect(service.counters.update).toBeGreaterThan(0);
    expect(service.counters.update).toBeLessThanOrEqual(
      c('ota_requests_total{endpoint="report"}') + inFlightAtEnd,
    );
    expect(service.counters.startNext).toBeLessThanOrEqual(
      c('ota_requests_total{endpoint="check"}') + inFlightAtEnd,
    );
    expect(schemaProblems({ seen })).toEqual([]);
  }, 120_000);

  it('a rollout the server aborts mid-wave: executions CANCELED, devices told by notify-next or a rejected update', async () => {
    const rollout = {
      firmware: { version: '9.2.0', size: '256KiB' },
      start: '30s',
      waves: ['50%', '100%'],
      'wave-interval': '40s',
      'failure-limit': { ratio: '20%', action: 'abort' },
    };
    // half the fleet fails its health check and gives up at once: the failure limit trips while
    // the other half is still at it (its radio drops keep some in retry-wait, checking)
    const failing = {
      'max-attempts': 1,
      'health-failure': '100%',
      install: '5s',
      reboot: '5s',
      'health-check': '5s',
    };
    const faults = [
      {
        type: 'radio-drop',
        who: { device: 'jobs-gateway-1', share: '50%' },
        during: 'ota.downloading',
        duration: '20s..40s',
      },
    ];
    const { r, desk, service, seen } = await jobsRun({
      groups: [{ count: 10, ota: failing }, { count: 10 }],
      rollout,
      faults,
      duration: '8m',
      bandwidth: '4Mbit/s',
    });
    const c = (name: string): number => r.agg.counter(name);
    expect(r.status).toBe('completed');
    expect(desk.campaign.status).toBe('aborted');
    expect(service.counters.canceled).toBeGreaterThan(0);
    expect(service.executions().CANCELED).toBe(service.counters.canceled);
    expect(c('ota_aborted_total{by="server"}')).toBeGreaterThan(0);
    expect(desk.states()[desk.deployment.id]?.aborted).toBeGreaterThan(0);
    expect(schemaProblems({ seen })).toEqual([]);
  }, 90_000);
});
