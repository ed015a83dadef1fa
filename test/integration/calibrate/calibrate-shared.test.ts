// calibrate against two brokers: each probed by itself and both at once. Two embedded brokers
// drawing on ONE connect limit (two listeners sharing a capacity, as brokers on one host share
// its cores) accept together what one accepts alone: the calibration writes backend.shared.
// Two brokers with a limit each accept together twice one alone: independent, nothing shared.
// The rates are low (brokers and probe share this process on a shared machine): fits only.
import { afterEach, describe, expect, it } from 'vitest';
import { ConnectLimit } from '../../../src/backend/connect-limit.js';
import { FaultState } from '../../../src/backend/fault-state.js';
import { startBroker, type EmbeddedBroker } from '../../../src/backend/mqtt-broker.js';
import { calibrationYaml } from '../../../src/calibrate/calibration-yaml.js';
import { parseCalibration } from '../../../src/backend-model/calibration-file.js';
import { monotonicMs, realTimers } from '../../../src/clock/real-clock.js';
import { parseText } from '../../../src/scenario/documents.js';
import { runCalibration } from './calibrate-helpers.js';

const RATE = 40;
const LIMIT = { ratePerSec: RATE, burst: 1, queue: 5000 };
const PROBE = {
  stepMs: 1500,
  connectStartPerSec: 10,
  connectMaxPerSec: 320,
  maxConnections: 200,
  publishConnections: 10,
  publishMaxPerSec: 500,
  // a latency knee needs p99 200 ms past the calm steps: on a loaded machine the limit shows as
  // served < offered, not as event-loop stalls the probe and both brokers share
  kneeFloorUs: 200_000,
};

describe('calibrate: brokers sharing capacity, or independent', () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  /** Two brokers on loopback; `shared`: both draw on one connect limit, else one limit each. */
  async function twoBrokers(shared: boolean): Promise<EmbeddedBroker[]> {
    const faults = new FaultState(realTimers, 20);
    cleanups.push(() => faults.dispose());
    const limits = shared
      ? [new ConnectLimit(LIMIT, realTimers, monotonicMs)]
      : [new ConnectLimit(LIMIT, realTimers, monotonicMs), new ConnectLimit(LIMIT, realTimers, monotonicMs)];
    for (const l of limits) cleanups.push(() => l.close());
    const brokers: EmbeddedBroker[] = [];
    for (let i = 0; i < 2; i++) {
      const b = await startBroker('127.0.0.1', 0, faults, [], limits[i % limits.length] as ConnectLimit);
      cleanups.push(() => b.close());
      brokers.push(b);
    }
    return brokers;
  }

  const urls = (bs: readonly EmbeddedBroker[]) => bs.map((b) => `mqtt://127.0.0.1:${b.port}`);

  it('one limit behind two brokers: the joint rate is one broker’s, written as backend.shared', async () => {
    const progress: string[] = [];
    const r = await runCalibration({ targetMqtt: urls(await twoBrokers(true)) }, PROBE, progress);
    const alone = r.probes.filter((p) => p.probe === 'connect-alone');
    expect(alone.map((p) => p.target)).toEqual([0, 1]);
    expect(alone.every((p) => p.stoppedBy === 'knee')).toBe(true);
    const shared = r.fits['shared.connect.rate'];
    expect(shared?.bound).toBeUndefined();
    expect(Math.abs((shared?.value ?? 0) - RATE) / RATE).toBeLessThan(0.2);
    // each broker alone accepts the whole limit: connect.rate is one broker's alone, not half
    expect(Math.abs((r.fits['connect.rate']?.value ?? 0) - RATE) / RATE).toBeLessThan(0.2);
    expect(r.backend.shared?.connect.rate).toMatch(/^\d+\/s$/);
    expect(r.notes.join(' ')).toMatch(/share capacity/);
    expect(progress.some((l) => l.startsWith('calibrate: connect-alone step'))).toBe(true);
    // the file round-trips: backend.shared is read back as written
    const file = parseCalibration(parseText(calibrationYaml(r, 'test'), 'c.yaml'), 'c.yaml');
    expect(file.backend.shared?.connect.rate).toBe(r.backend.shared?.connect.rate);
    expect(file.calibration.fits['shared.connect.rate']?.value).toBe(shared?.value);
  }, 180_000);

  it('a limit per broker: the joint rate is their sum, independent, nothing shared written', async () => {
    const r = await runCalibration({ targetMqtt: urls(await twoBrokers(false)) }, PROBE);
    expect(r.probes.filter((p) => p.probe === 'connect-alone')).toHaveLength(2);
    expect(r.backend.shared).toBeUndefined();
    expect(r.fits['shared.connect.rate']).toBeUndefined();
    expect(r.notes.join(' ')).toMatch(/independent/);
    // per broker: the joint figure over 2, near one broker's limit
    expect(Math.abs((r.fits['connect.rate']?.value ?? 0) - RATE) / RATE).toBeLessThan(0.25);
    expect(calibrationYaml(r, 'test')).not.toContain('shared:');
  }, 180_000);
});
