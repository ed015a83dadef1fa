// hawkBit DDI end to end in live mode: the fleet's agents poll the embedded backend's DDI routes
// (over the campaign desk) through a recording proxy that checks every DDI request and response
// against hawkBit's OpenAPI document and paces the firmware so that radio drops land
// mid-download. Waves, resumes with Range and the image's sha256 verified, power loss during
// install (A/B: the device keeps its slot and tries again), and a server-side abort mid-wave
// (cancelAction / 410 Gone). Counts are asserted, never wall-clock speed.
import { describe, expect, it } from 'vitest';
import { runLive } from '../../../src/app/live-engine.js';
import type { EngineResult } from '../../../src/app/engine-types.js';
import { runVirtual } from '../../../src/app/virtual-engine.js';
import type { CampaignDesk } from '../../../src/backend/deployment-desk.js';
import { HawkbitDdiServer } from '../../../src/ota-protocols/hawkbit/server.js';
import { resolveScenarioObject } from '../../../src/scenario/index.js';
import { startDdiProxy } from './ddi-proxy.js';
import { hawkbitSpec } from './hawkbit-spec.js';
import { runProtocolLive } from './live-harness.js';

const SPEED = 20;

interface Group {
  count: number;
  /** Device-side OTA settings on top of the test type's. */
  ota?: Record<string, unknown>;
}

interface Doc {
  groups: Group[];
  rollout: Record<string, unknown>;
  faults: Record<string, unknown>[];
  duration?: string;
  /** The server's maintenance window: open at this scenario time (µs) or not. Absent: none. */
  window?: (nowUs: number, desk: CampaignDesk) => boolean;
}

/** The scenario, a backend whose DDI routes run the scenario's rollout, and the proxy in front. */
async function hawkbitRun(d: Doc, chunkDelayMs: number) {
  const doc = (mqtt: string, http: string) => ({
    name: 'hawkbit-live',
    seed: 7,
    mode: 'live',
    duration: d.duration ?? '8m',
    fleet: d.groups.map((g, i) => ({
      device: {
        name: `hb-gateway-${i}`,
        extends: 'gateway',
        radio: { profile: 'ethernet', bandwidth: '1Mbit/s' }, // the modelled link: 4 s per 512 KiB
        ota: {
          protocol: 'hawkbit-ddi',
          discovery: 'poll',
          'check-interval': '20s',
          'max-attempts': 8,
          hawkbit: { tenant: 'DEFAULT', 'gateway-token': 'gw-token' },
          ...g.ota,
        },
      },
      count: g.count,
    })),
    'power-on': { spread: '20s' },
    live: { speed: SPEED },
    target: { mqtt, http },
    rollout: d.rollout,
    faults: d.faults,
  });
  const window = d.window;
  let server: HawkbitDdiServer | null = null;
  const spec = await hawkbitSpec();
  const { r, desk, backend, front } = await runProtocolLive({
    label: 'hawkbit-live',
    speed: SPEED,
    doc,
    serve: (desk, nowUs) => {
      server = new HawkbitDdiServer({
        ...(window ? { maintenanceWindowOpen: () => window(nowUs(), desk) } : {}),
        desk,
        tenant: 'DEFAULT',
        pollingSleepMs: null,
        auth: { gatewayToken: 'gw-token' },
      });
      return { routes: server.routes() };
    },
    front: (httpUrl) => startDdiProxy(httpUrl, spec, chunkDelayMs),
  });
  if (server === null || front === null) throw new Error('no DDI server or proxy');
  return { r, desk, server: server as HawkbitDdiServer, spec, proxy: front, backend };
}

describe('hawkBit DDI in live mode against the embedded backend', () => {
  it('waves, radio drops resumed with Range and verified, power loss during install kept on A/B', async () => {
    const rollout = {
      firmware: { version: '9.1.0', size: '512KiB' },
      start: '30s',
      waves: ['40%', '100%'],
      'wave-interval': '1m',
    };
    const faults = [
      { type: 'radio-drop', who: '30%', during: 'ota.downloading', duration: '5s..15s' },
      { type: 'power-loss', who: '30%', during: 'ota.installing' },
    ];
    const { r, desk, server, spec, proxy } = await hawkbitRun(
      { groups: [{ count: 20 }], rollout, faults, duration: '10m' },
      18,
    );
    expect(r.status).toBe('completed');
    const c = (name: string): number => r.agg.counter(name);
    const states = desk.states()[desk.deployment.id];
    // the server's view and the devices' agree: who succeeded, who gave up
    expect(c('ota_succeeded_total')).toBeGreaterThan(0);
    expect(states?.success).toBe(c('ota_succeeded_total'));
    expect(states?.failure).toBe(c('ota_gave_up_total'));
    expect(c('ota_bricked_total')).toBe(0);
    // both waves, as the server ran them
    expect(desk.campaign.wavesStarted).toBe(2);
    // radio drops mid-download resumed with Range, and every finished image matched its sha256
    expect(c('faults_injected_total{type="radio-drop"}')).toBeGreaterThan(0);
    expect(c('ota_resumed_downloads_total')).toBeGreaterThan(0);
    expect(proxy.rangeRequests).toBe(c('ota_resumed_downloads_total'));
    expect(c('ota_failed_total{reason="verify"}')).toBe(0);
    // power cut during install: on A/B the device keeps its slot and tries again, none bricked
    expect(c('faults_injected_total{type="power-loss"}')).toBeGreaterThan(0);
    expect(c('ota_failed_total{reason="power"}')).toBe(c('faults_injected_total{type="power-loss"}'));
    // the conversation: every device sent configData; each download attempt fetched its action
    const req = server.counters.requests;
    expect(req.configData).toBe(20);
    // what the server answered and what the devices counted (a request in flight at the end is
    // only on the server's side)
    const inFlight = (server: number, devices: number): void => {
      expect(server - devices).toBeGreaterThanOrEqual(0);
      expect(server - devices).toBeLessThanOrEqual(20);
    };
    inFlight(req.deploymentBase, c('ota_requests_total{endpoint="deployment"}'));
    inFlight(req.deploymentFeedback, c('ota_requests_total{endpoint="report"}'));
    inFlight(req.poll, c('ota_requests_total{endpoint="check"}'));
    expect(server.counters.unauthorized).toBe(0);
    expect(proxy.exchanges).toBe(Object.values(req).reduce((a, b) => a + b, 0));
    expect(spec.problems).toEqual([]);
  }, 90_000);

  it('a rollout the server aborts mid-wave: cancelAction confirmed, feedback on the cancelled action is 410', async () => {
    const rollout = {
      firmware: { version: '9.2.0', size: '1MiB' },
      start: '30s',
      waves: ['50%', '100%'],
      'wave-interval': '40s',
      'failure-limit': { ratio: '20%', action: 'abort' },
    };
    // half the fleet fails its health check and gives up at once: the failure limit trips while
    // the other half is downloading (radio drops keep some of them in retry-wait, polling)
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
        who: { device: 'hb-gateway-1', share: '50%' },
        during: 'ota.downloading',
        duration: '20s..40s',
      },
    ];
    const groups = [{ count: 20, ota: failing }, { count: 20 }];
    const { r, desk, server, spec } = await hawkbitRun({ groups, rollout, faults, duration: '6m' }, 18);
    expect(r.status).toBe('completed');
    const c = (name: string): number => r.agg.counter(name);
    expect(desk.campaign.status).toBe('aborted');
    expect(c('ota_aborted_total{by="server"}')).toBeGreaterThan(0);
    expect(desk.states()[desk.deployment.id]?.aborted).toBeGreaterThan(0);
    // devices that held the action learnt it by cancelAction (and confirmed), or by 410 on feedback
    const req = server.counters.requests;
    expect(req.cancelAction).toBeGreaterThan(0);
    expect(req.cancelFeedback).toBe(req.cancelAction);
    expect(server.counters.gone).toBeGreaterThan(0);
    expect(c('ota_aborted_total{by="server"}')).toBeLessThanOrEqual(req.cancelAction + server.counters.gone);
    // the desk's view: everyone offered ended aborted or failed, nobody updated after the abort
    const states = desk.states()[desk.deployment.id];
    for (const open of ['downloading', 'downloaded', 'installing', 'rebooting', 'success'] as const)
      expect(states?.[open]).toBe(0);
    expect((states?.aborted ?? 0) + (states?.failure ?? 0)).toBeGreaterThanOrEqual(c('ota_offered_total'));
    // a device already installing when the abort came finishes (the foundation's rule): it may
    // commit, but the server answers its success feedback 410 and never counts it as updated
    expect(c('ota_succeeded_total')).toBeLessThanOrEqual(server.counters.gone);
    expect(c('ota_succeeded_total')).toBeLessThan(c('ota_offered_total') / 4);
    expect(spec.problems).toEqual([]);
    expect([...spec.undocumented.keys()].every((k) => k.endsWith(' 404'))).toBe(true);
  }, 90_000);

  it('outside the maintenance window devices download and verify, and install only once it opens', async () => {
    const rollout = { firmware: { version: '9.3.0', size: '256KiB' }, start: '20s', waves: ['100%'] };
    const opensUs = 3 * 60e6;
    let atOpening: Record<string, number> | null = null;
    const { r, spec } = await hawkbitRun(
      {
        groups: [{ count: 10 }],
        rollout,
        faults: [],
        duration: '7m',
        window: (nowUs, desk) => {
          const open = nowUs >= opensUs;
          if (open && atOpening === null) atOpening = { ...desk.states()[desk.deployment.id] };
          return open;
        },
      },
      0,
    );
    expect(r.status).toBe('completed');
    // when the window opened, images were downloaded but nothing was installing or installed
    expect(atOpening).not.toBeNull();
    const before = atOpening as unknown as Record<string, number>;
    expect(before.downloaded).toBeGreaterThan(0);
    expect((before.installing ?? 0) + (before.rebooting ?? 0) + (before.success ?? 0)).toBe(0);
    // then everyone installed the image it held: one complete download each, none started over
    expect(r.agg.counter('ota_succeeded_total')).toBe(10);
    expect(r.agg.counter('ota_reports_total{state="downloaded"}')).toBe(10);
    expect(r.agg.counter('ota_redownloaded_bytes_total')).toBe(0);
    expect(spec.problems).toEqual([]);
  }, 90_000);

  it('out of the box (the registry mounts the DDI routes) and counted as virtual mode models it', async () => {
    const doc = (mode: 'live' | 'virtual') => ({
      name: 'hawkbit-embedded',
      seed: 11,
      mode,
      duration: '8m',
      fleet: [
        {
          device: {
            name: 'hb-gw',
            extends: 'gateway',
            ota: { protocol: 'hawkbit-ddi', discovery: 'poll', hawkbit: { 'polling-sleep': '30s' } },
          },
          count: 10,
        },
      ],
      'power-on': { spread: '30s' },
      live: { speed: 60 },
      rollout: {
        firmware: { version: '9.4.0', size: '256KiB' },
        start: '1m',
        waves: ['50%', '100%'],
        'wave-interval': '2m',
      },
    });
    const resolve = (mode: 'live' | 'virtual') =>
      resolveScenarioObject(doc(mode), 'hawkbit-embedded (in memory)', { env: {}, overrides: {} });
    const live = await runLive(await resolve('live'), { workers: 1 });
    const virtual = await runVirtual(await resolve('virtual'), { workers: 1 });
    const per = (r: EngineResult, e: string): number => r.agg.counter(`ota_requests_total{endpoint="${e}"}`);
    for (const r of [live, virtual]) {
      expect(r.status).toBe('completed');
      expect(r.agg.counter('ota_succeeded_total')).toBe(10);
    }
    // one deploymentBase per offer, five feedbacks and one download per device, in both modes
    for (const e of ['deployment', 'report', 'download']) expect(per(live, e)).toBe(per(virtual, e));
    expect(per(live, 'report')).toBe(50);
    // polls every 30 s until updated: the same within the jitter of who polls when
    expect(Math.abs(per(live, 'check') - per(virtual, 'check'))).toBeLessThanOrEqual(
      0.2 * per(virtual, 'check'),
    );
    // configData: once per device live; virtual counts one per boot, the update's reboot included
    // (hawkBit asks for the attributes again after a success: a real device sends them at its next
    // poll, which an updated device in this run no longer makes)
    expect(per(live, 'inventory')).toBe(10);
    expect(per(virtual, 'inventory')).toBe(20);
  }, 90_000);
});
