// An outage of one broker of three (`backend-outage` with `params.brokers`), virtual mode: only
// the devices of that broker (device d → broker d mod 3) lose their sessions, are refused while
// it lasts and reconnect after it; the devices of the other brokers keep their sessions.
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { setupFleet } from '../../../src/app/fleet-setup.js';
import { runResolved } from '../../../src/app/run.js';
import { CS } from '../../../src/metrics/catalog.js';
import { renderSummary } from '../../../src/reports/summary-text.js';
import { resolveScenarioObject } from '../../../src/scenario/index.js';
import type { ResolvedScenario } from '../../../src/scenario/types.js';
import runTask from '../../../src/workers/worker.js';
import { shardFor } from '../../../src/workers/shard-runtime.js';
import { toolErrorOf } from '../../helpers/tool-error.js';

const M = 60_000_000;

function scenario(extra: Record<string, unknown> = {}): Promise<ResolvedScenario> {
  return resolveScenarioObject(
    {
      name: 'broker-outage',
      seed: 11,
      duration: '20m',
      interval: '1m',
      fleet: [{ device: 'gateway', count: 300 }],
      'power-on': { spread: '1m' },
      backend: { brokers: 3 },
      faults: [{ type: 'backend-outage', at: '10m', duration: '2m', params: { brokers: [0] } }],
      ...extra,
    },
    'broker-outage',
    { env: {} },
  );
}

describe('backend-outage of some brokers (virtual)', () => {
  it('drops and refuses exactly the devices of broker 0 of 3; only they reconnect', async () => {
    const s = await scenario();
    const fleet = setupFleet(s, `broker-outage-${randomUUID()}`);
    expect(fleet.handles).toHaveLength(1); // one shard: local index = device id
    runTask({ kind: 'init', ctx: fleet.ctx, shards: fleet.handles });
    // windows of a minute, with one cut 100 ms into the outage (before any backoff ends)
    const cuts = [...Array(11).keys()].map((i) => i * M);
    cuts.push(10 * M + 100_000, ...[11, 12, 13, 14, 15, 16, 17, 18, 19, 20].map((i) => i * M));
    const connectedAt = new Map<number, Uint8Array>();
    for (let i = 0; i + 1 < cuts.length; i++) {
      runTask({
        kind: 'advance',
        ctx: fleet.ctx,
        shards: fleet.handles,
        fromUs: cuts[i]!,
        toUs: cuts[i + 1]!,
        rollout: null,
        final: i + 2 === cuts.length,
        triggers: [],
      });
      const sh = shardFor(fleet.ctx, fleet.handles[0]!);
      connectedAt.set(
        cuts[i + 1]!,
        Uint8Array.from(sh.a.conn, (c) => (c === CS.connected ? 1 : 0)),
      );
    }
    const ids = [...Array(300).keys()];
    const down = (atUs: number): number[] => ids.filter((d) => connectedAt.get(atUs)![d] === 0);
    // before: everyone connected; just after it began and until it ends: all but broker 0's
    expect(down(10 * M)).toEqual([]);
    for (const at of [10 * M + 100_000, 11 * M, 12 * M])
      expect(down(at)).toEqual(ids.filter((d) => d % 3 === 0));
    expect(down(20 * M)).toEqual([]);
  });

  it('counts the outage on its devices only: 100 sessions dropped, 100 reconnects', async () => {
    const { report } = await runResolved(await scenario(), { noFiles: true });
    const c = (n: string): number => report.metrics.counters[n] ?? 0;
    expect(c('mqtt_disconnects_total{reason="outage"}')).toBe(100);
    expect(c('outage_tracked_devices_total')).toBe(100);
    expect(c('mqtt_connect_success_total')).toBe(400); // 300 at power-on, 100 back after it
    expect(c('mqtt_connect_failed_total{reason="outage"}')).toBeGreaterThan(0);
    expect(c('faults_injected_total{type="backend-outage"}')).toBe(1);
    expect(report.metrics.histograms.outage_reconnect_duration_us?.count).toBe(100);
    expect(report.scenario.faults[0]?.params.brokers).toEqual([0]);
    expect(renderSummary(report)).toMatch(/backend-outage \(broker 0\)\s+at 10m\s+100 devices/);
  });

  it('an outage of the whole backend still drops everyone', async () => {
    const s = await scenario({ faults: [{ type: 'backend-outage', at: '10m', duration: '2m' }] });
    const { report } = await runResolved(s, { noFiles: true });
    expect(report.metrics.counters['mqtt_disconnects_total{reason="outage"}']).toBe(300);
    expect(report.scenario.faults[0]?.params).not.toHaveProperty('brokers');
  });

  it('refuses brokers the run does not have, naming the field', async () => {
    const one = await toolErrorOf(scenario({ backend: {} }));
    expect(one.code).toBe('FLEETSTORM_ERR_SCENARIO_INVALID');
    expect(one.where).toContain('faults[0].params.brokers');
    expect(one.fix).toContain('backend.brokers');
    const past = await toolErrorOf(
      scenario({ faults: [{ type: 'backend-outage', at: '10m', params: { brokers: [1, 3] } }] }),
    );
    expect(past.message).toContain('no broker 3');
    expect(past.fix).toContain('0..2');
    const live = await toolErrorOf(scenario({ mode: 'live', target: { mqtt: 'mqtt://127.0.0.1:1883' } }));
    expect(live.fix).toContain('target.mqtt');
    const slow = await toolErrorOf(
      scenario({ faults: [{ type: 'backend-slow', at: '10m', params: { brokers: 0 } }] }),
    );
    expect(slow.where).toContain('faults[0].params.brokers');
  });
});
