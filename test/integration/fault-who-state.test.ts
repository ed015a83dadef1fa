// `who.state`: a timed fault hits only devices in the named states when it starts. Checked
// against the devices-by-state series at the same boundary (taken just before the fault).
import { describe, expect, it } from 'vitest';
import { runResolved } from '../../src/app/run.js';
import type { Report } from '../../src/reports/report-types.js';
import { resolveScenarioObject } from '../../src/scenario/index.js';
import { ToolError } from '../../src/errors/tool-error.js';

const MIN = 60e6;
const H = 60 * MIN;

async function run(faults: Record<string, unknown>[]): Promise<Report> {
  const s = await resolveScenarioObject(
    {
      name: 'who-state',
      seed: 4,
      duration: '4h',
      interval: '5m',
      fleet: [
        { device: 'gateway', count: 2000 },
        { device: 'sensor', count: 2000 },
      ],
      'power-on': { spread: '10m' },
      backend: { ota: { bandwidth: '200Mbit/s', 'max-concurrent-downloads': 500 } },
      rollout: { firmware: { version: '2.0.0', size: '8MiB' }, start: '30m', waves: ['100%'] },
      faults,
    },
    'who-state (in memory)',
    { env: {} },
  );
  return (await runResolved(s, { noFiles: true })).report;
}

/** Devices in a state at the boundary `atUs` (end of the interval before it). */
function statesAt(r: Report, atUs: number, series: Record<string, number[]>, name: string): number {
  const k = r.series.timesUs.indexOf(atUs);
  expect(k).toBeGreaterThanOrEqual(0);
  return series[name]?.[k] ?? 0;
}

describe('faults that select devices by state (`who.state`)', () => {
  it('hits exactly the devices downloading when it starts', async () => {
    const at = 35 * MIN; // the gateways' downloads are in full swing (capped at 500 at once)
    const r = await run([{ type: 'radio-drop', at: '35m', who: { state: 'ota.downloading' } }]);
    const downloading = statesAt(r, at, r.series.otaStates, 'downloading');
    expect(downloading).toBeGreaterThan(0);
    expect(r.faults[0]?.devicesHit).toBe(downloading);
  });

  it('takes a list of states and a share of them', async () => {
    const at = 2 * H;
    const r = await run([
      { type: 'power-loss', at: '2h', who: { share: '50%', state: ['sleeping', 'connected'] } },
    ]);
    const pool =
      statesAt(r, at, r.series.connStates, 'sleeping') + statesAt(r, at, r.series.connStates, 'connected');
    const hit = r.faults[0]?.devicesHit ?? 0;
    expect(Math.abs(hit - pool / 2)).toBeLessThan(4 * Math.sqrt(pool / 4)); // within 4σ of a binomial
  });

  it('refuses a state that does not exist, naming the field', async () => {
    const doc = {
      name: 'bad-state',
      fleet: [{ device: 'gateway', count: 10 }],
      faults: [{ type: 'radio-drop', at: '1m', who: { state: 'ota.downloadin' } }],
    };
    const err = await resolveScenarioObject(doc, 'bad-state.yaml', { env: {} }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ToolError);
    expect((err as ToolError).where).toBe('bad-state.yaml: faults[0].who.state');
    expect((err as ToolError).fix).toContain('did you mean `ota.downloading`?');
  });
});
