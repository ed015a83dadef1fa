// Capacity the brokers share (`backend.shared.connect`): a connect storm over 3 brokers of 100/s
// each completes at the shared rate when that is lower (150/s: N/150 s, not N/300 s), at the
// brokers' own when it is not; the same at any worker count (3,000 devices: 2 shards, each
// holding half of every queue); a bad value is one line.
import { describe, expect, it } from 'vitest';
import { runResolved } from '../../../src/app/run.js';
import { ToolError } from '../../../src/errors/tool-error.js';
import { deterministicJson } from '../../../src/reports/json.js';
import type { Report } from '../../../src/reports/report-types.js';
import { resolveScenarioObject } from '../../../src/scenario/index.js';
import { STORM_DEVICE } from '../../helpers/storm-device.js';

const DEVICE = STORM_DEVICE;

const N = 3000;
const SPREAD_S = 1;

function scenario(backend: Record<string, unknown>, workers: number) {
  return resolveScenarioObject(
    {
      name: 'shared',
      seed: 5,
      duration: '40s',
      workers,
      fleet: [{ device: DEVICE, count: N }],
      'power-on': { spread: `${SPREAD_S}s` },
      backend,
    },
    'shared',
    { env: {} },
  );
}

async function run(backend: Record<string, unknown>, workers = 1): Promise<Report> {
  return (await runResolved(await scenario(backend, workers), { noFiles: true })).report;
}

const BROKERS = {
  brokers: 3,
  connect: { rate: '100/s', burst: 1, queue: 1_000_000, latency: '0ms..0ms' },
};

/**
 * Connect p50 (s) of a storm of N connects arriving evenly over SPREAD_S into capacity served
 * at `ratePerSec`: the median arrival (at SPREAD_S / 2) is the (N/2)th served.
 */
const analyticP50Sec = (ratePerSec: number): number => N / 2 / ratePerSec - SPREAD_S / 2;

function connectP50Sec(r: Report): number {
  expect(r.metrics.counters.mqtt_connect_success_total).toBe(N);
  return (r.metrics.histograms.mqtt_connect_duration_us?.p50Us ?? 0) / 1e6;
}

describe('shared broker capacity', () => {
  // The allowance: about the power-on spread (1 s), far above a calendar bucket (65 ms).
  const ALLOW_S = 1.05;

  it('3 brokers of 100/s sharing 150/s serve a storm at 150/s; without shared at 300/s', async () => {
    const shared = connectP50Sec(await run({ ...BROKERS, shared: { connect: { rate: '150/s', burst: 1 } } }));
    const independent = connectP50Sec(await run(BROKERS));
    expect(Math.abs(shared - analyticP50Sec(150))).toBeLessThan(ALLOW_S); // 9.5 s
    expect(Math.abs(independent - analyticP50Sec(300))).toBeLessThan(ALLOW_S); // 4.5 s
  });

  it('a shared capacity above the sum of the brokers changes nothing', async () => {
    const loose = await run({ ...BROKERS, shared: { connect: { rate: '1000/s', burst: 1 } } });
    const none = await run(BROKERS);
    expect(connectP50Sec(loose)).toBe(connectP50Sec(none));
  });

  it('3 brokers sharing one broker’s rate serve a storm as that one broker does', async () => {
    const three = await run({ ...BROKERS, shared: { connect: { rate: '100/s', burst: 1 } } });
    const one = await run({ connect: { rate: '100/s', burst: 1, queue: 1_000_000, latency: '0ms..0ms' } });
    expect(Math.abs(connectP50Sec(three) - connectP50Sec(one))).toBeLessThan(ALLOW_S);
    expect(Math.abs(connectP50Sec(three) - analyticP50Sec(100))).toBeLessThan(ALLOW_S); // 14.5 s
  });

  it('the shared queue bound refuses, and a refusal takes no place in either queue', async () => {
    const r = await run({ ...BROKERS, shared: { connect: { rate: '150/s', burst: 1, queue: 300 } } });
    const accepted = r.metrics.counters.mqtt_connect_success_total ?? 0;
    const refused = r.metrics.counters['mqtt_connect_failed_total{reason="rejected"}'] ?? 0;
    expect(accepted + refused).toBe(N);
    // admitted: the queue bound plus what 150/s served during the spread (one bucket allowance)
    const admitted = 300 + 150 * SPREAD_S;
    expect(accepted).toBeLessThanOrEqual(admitted + 1);
    expect(accepted).toBeGreaterThan(admitted - 150 * ALLOW_S);
  });

  it('is identical with 1 and 2 workers, and 2 workers hold the analytic figure', async () => {
    const backend = { ...BROKERS, shared: { connect: { rate: '150/s', burst: 1 } } };
    const one = await run(backend, 1);
    const two = await run(backend, 2);
    expect(deterministicJson(two)).toBe(deterministicJson(one));
    expect(Math.abs(connectP50Sec(two) - analyticP50Sec(150))).toBeLessThan(ALLOW_S);
  });

  it('a shared rate of zero is one line naming the field', async () => {
    const e = await scenario({ ...BROKERS, shared: { connect: { rate: '0/s' } } }, 1).catch(
      (err: unknown) => err,
    );
    expect(e).toBeInstanceOf(ToolError);
    expect((e as ToolError).where).toMatch(/backend\.shared\.connect\.rate$/);
    expect((e as ToolError).message.includes('\n')).toBe(false);
  });

  it('shared without a rate is refused by the schema', async () => {
    const e = await scenario({ ...BROKERS, shared: { connect: { burst: 10 } } }, 1).catch(
      (err: unknown) => err,
    );
    expect(e).toBeInstanceOf(ToolError);
    expect((e as ToolError).where).toMatch(/backend\.shared\.connect(\.rate)?$/);
  });
});
