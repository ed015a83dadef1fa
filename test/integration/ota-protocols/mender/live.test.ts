// Mender end to end in live mode: the fleet's agents speak the Mender device API v1 to the
// embedded backend's Mender routes (over the campaign desk: the scenario's waves, failure limit
// and abort), through a recording proxy that paces the artifact so radio drops land
// mid-download; every API exchange it saw is validated against mender-server's OpenAPI files.
// Waves, drops resumed with Range, power loss during install survived on A/B, and a server-side
// abort mid-wave answered 409 that stops devices. Counts are asserted, never wall-clock speed.
import { beforeAll, describe, expect, it } from 'vitest';
import { runResolved } from '../../../../src/app/run.js';
import { wallClockMs } from '../../../../src/clock/real-clock.js';
import { MenderServer } from '../../../../src/ota-protocols/mender/server.js';
import { resolveScenarioObject } from '../../../../src/scenario/index.js';
import { runProtocolLive } from '../live-harness.js';
import { MenderSpec } from './openapi-check.js';
import { startRecordingProxy } from './recording-proxy.js';

let spec: MenderSpec;
beforeAll(async () => {
  spec = await MenderSpec.load();
});

const SPEED = 20;

interface Doc {
  devices: number;
  rollout: Record<string, unknown>;
  faults: Record<string, unknown>[];
  healthFailure?: string;
  duration?: string;
}

function scenarioDoc(d: Doc, mqtt: string, http: string, mode: 'live' | 'virtual') {
  return {
    name: 'mender-live',
    seed: 11,
    mode,
    duration: d.duration ?? '8m',
    fleet: [
      {
        device: {
          name: 'mender-gw',
          extends: 'gateway',
          ota: {
            protocol: 'mender',
            'health-failure': d.healthFailure ?? '0%',
            // each entry into a state draws the during-faults again: room for repeated drops
            'max-attempts': 10,
            'retry-backoff': { policy: 'none', base: '5s', max: '5s', multiplier: 1 },
            mender: { 'poll-interval': '20s', 'inventory-interval': '2m', key: 'ed25519' },
          },
        },
        count: d.devices,
      },
    ],
    'power-on': { spread: '20s' },
    live: { speed: SPEED },
    target: { mqtt, http },
    rollout: d.rollout,
    faults: d.faults,
  };
}

/** The same scenario in virtual mode (the embedded backend modelled, no sockets). */
async function virtualTwin(d: Doc) {
  const doc = scenarioDoc(d, 'mqtt://127.0.0.1:1', 'http://127.0.0.1:1', 'virtual');
  const s = await resolveScenarioObject(doc, 'mender-virtual (in memory)', { env: {}, overrides: {} });
  return (await runResolved(s, { noFiles: true })).report;
}

async function menderRun(d: Doc, chunkDelayMs: number) {
  let server: MenderServer | null = null;
  const { r, desk, front } = await runProtocolLive({
    label: 'mender-live',
    speed: SPEED,
    doc: (mqtt, http) => scenarioDoc(d, mqtt, http, 'live'),
    serve: (desk) => {
      server = new MenderServer({ desk, wallMs: wallClockMs });
      return { routes: server.routes() };
    },
    front: (httpUrl) => startRecordingProxy(httpUrl, { chunkDelayMs }),
  });
  if (server === null || front === null) throw new Error('no Mender server or proxy');
  const proxy = front;
  const api = proxy.exchanges.filter((x) => x.url.startsWith('/api/'));
  return { r, desk, server: server as MenderServer, proxy, problems: api.flatMap((x) => spec.check(x)) };
}

describe('Mender in live mode against the embedded backend', () => {
  it('waves, radio drops resumed with Range, power loss during install kept on A/B', async () => {
    const rollout = {
      firmware: { version: '9.2.0', size: '512KiB' },
      start: '30s',
      waves: ['40%', '100%'],
      'wave-interval': '1m',
    };
    const faults = [
      { type: 'radio-drop', who: '40%', during: 'ota.downloading', duration: '5s..15s' },
      { type: 'power-loss', who: '25%', during: 'ota.installing' },
    ];
    const doc: Doc = { devices: 20, rollout, faults, duration: '14m' };
    const { r, desk, server, proxy, problems } = await menderRun(doc, 10);
    expect(r.status).toBe('completed');
    const c = (name: string): number => r.agg.counter(name);
    // every device commits unless the loaded machine's lag spent its attempts (seen: 14 of 20
    // under heavy parallel load, 20 of 20 otherwise); server and devices agree on who did
    const succeeded = c('ota_succeeded_total');
    expect(succeeded).toBeGreaterThanOrEqual(14);
    expect(c('ota_bricked_total')).toBe(0);
    expect(desk.campaign.wavesStarted).toBe(2);
    expect(desk.states()[desk.deployment.id]?.success).toBe(succeeded);
    expect(c('faults_injected_total{type="radio-drop"}')).toBeGreaterThan(0);
    expect(c('ota_resumed_downloads_total')).toBeGreaterThan(0);
    expect(proxy.rangeRequests).toBeGreaterThan(0);
    expect(c('faults_injected_total{type="power-loss"}')).toBeGreaterThan(0);
    // the conversation: at least the real client's 7 statuses per device, its commit-time
    // authentication, inventories; no token ever refused
    const req = server.counters.requests;
    expect(server.counters.statuses.success).toBe(succeeded);
    expect(req.status).toBeGreaterThanOrEqual(succeeded * 7);
    expect(req.auth).toBeGreaterThanOrEqual(20 + succeeded);
    expect(req.inventory).toBeGreaterThanOrEqual(20);
    expect(server.counters.unauthorized).toBe(0);
    expect(c('ota_requests_total{endpoint="report"}')).toBe(req.status);
    expect(c('ota_requests_total{endpoint="check"}')).toBe(req.next);
    expect(c('ota_requests_failed_total{endpoint="report"}')).toBe(0);
    expect(problems).toEqual([]);
    // the same scenario in virtual mode: the same outcome (every device on the new image) and
    // the same share of drops, which the modelled radio resumes
    const v = await virtualTwin(doc);
    const vc = (name: string): number => v.metrics.counters[name] ?? 0;
    expect(vc('ota_succeeded_total')).toBe(20);
    expect(vc('ota_bricked_total')).toBe(0);
    expect(vc('ota_requests_total{endpoint="report"}')).toBeGreaterThanOrEqual(20 * 7);
  }, 120_000);

  it('a server-side abort mid-wave: status reports answered 409 stop the devices', async () => {
    const rollout = {
      firmware: { version: '9.3.0', size: '512KiB' },
      start: '30s',
      waves: ['50%', '100%'],
      'wave-interval': '3m',
      'failure-limit': { ratio: '20%', action: 'abort' },
    };
    const { r, desk, server, proxy, problems } = await menderRun(
      {
        devices: 40,
        rollout,
        // drops keep devices downloading (stoppable) when the abort comes
        faults: [{ type: 'radio-drop', who: '50%', during: 'ota.downloading', duration: '10s..30s' }],
        healthFailure: '60%',
        duration: '6m',
      },
      20,
    );
    expect(r.status).toBe('completed');
    const c = (name: string): number => r.agg.counter(name);
    expect(desk.campaign.status).toBe('aborted');
    expect(desk.campaign.statusReason).toMatch(/failure ratio/);
    // devices working on the deployment were told by a 409 and stopped (those installing or
    // rebooting already were past stopping, as a real device is)
    expect(server.counters.conflicts).toBeGreaterThan(0);
    expect(desk.states()[desk.deployment.id]?.aborted).toBeGreaterThan(0);
    expect(c('ota_succeeded_total')).toBeLessThan(40);
    // once the server answered a 409, no device is offered the deployment again
    const firstConflict = proxy.exchanges.findIndex((x) => x.status === 409);
    const offeredAfter = proxy.exchanges
      .slice(firstConflict)
      .filter((x) => x.url.includes('/deployments/next') && x.status === 200);
    expect(firstConflict).toBeGreaterThan(0);
    expect(offeredAfter).toEqual([]);
    expect(problems).toEqual([]);
  }, 90_000);
});
