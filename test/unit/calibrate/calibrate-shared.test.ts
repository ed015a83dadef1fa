// Shared capacity on synthetic steps (pure): brokers that alone serve 300/s each but together
// 300/s are shared (backend.shared.connect written, connect.rate each broker's alone); together
// 600/s is independent (nothing shared); a joint probe without a knee never claims shared. The
// file round-trips (written, read back, resolved through `from:`) and a bad value is one line.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { parseCalibration } from '../../../src/backend-model/calibration-file.js';
import { calibrationYaml } from '../../../src/calibrate/calibration-yaml.js';
import { fitBackend } from '../../../src/calibrate/fit-backend.js';
import { DEFAULT_KNEE_RULE } from '../../../src/calibrate/knee.js';
import { applyShared, sharedVerdict } from '../../../src/calibrate/shared-probe.js';
import type { CalibrationResult, MeasuredStep, ProbeOutcome } from '../../../src/calibrate/types.js';
import { ToolError } from '../../../src/errors/tool-error.js';
import { Stream } from '../../../src/random/rng.js';
import { fifoStep } from '../../helpers/fifo-step.js';
import { resolveScenarioObject } from '../../../src/scenario/index.js';

const CTX = { rule: DEFAULT_KNEE_RULE, resamples: 400, seed: 7 };

/** A connect ladder into a server of `rate`/s, kneeing at the first step past it (or none). */
function ladder(
  rate: number,
  probe: 'connect' | 'connect-alone',
  knee = true,
  target?: number,
): ProbeOutcome {
  const rng = new Stream(3 + (target ?? 9));
  const steps = [50, 100, 200, 400, 800]
    .filter((r) => r <= rate * 1.5)
    .map((r, i) => fifoStep(i, r, rate, r * 2, rng));
  if (knee) (steps[steps.length - 1] as MeasuredStep).record.knee = 'throughput';
  return { probe, steps, stoppedBy: knee ? 'knee' : 'cap', ...(target === undefined ? {} : { target }) };
}

const alone = [ladder(300, 'connect-alone', true, 0), ladder(300, 'connect-alone', true, 1)];

describe('shared capacity (calibrate)', () => {
  let dir: string | null = null;
  afterEach(() => {
    if (dir !== null) rmSync(dir, { recursive: true, force: true });
    dir = null;
  });

  it('together no more than one alone: shared, written as backend.shared.connect', () => {
    const joint = ladder(300, 'connect');
    const fitted = fitBackend([joint, ...alone], CTX, 2);
    expect(fitted.fits['connect.rate']?.value).toBeCloseTo(150, -1); // the joint / 2, before
    const { verdict, note } = applyShared(fitted, joint, alone, CTX);
    expect(verdict.shared).toBe(true);
    expect(verdict.joint.high ?? Infinity).toBeLessThan(verdict.sumLow);
    expect(Math.abs((fitted.fits['shared.connect.rate']?.value ?? 0) - 300) / 300).toBeLessThan(0.05);
    expect(Math.abs((fitted.fits['connect.rate']?.value ?? 0) - 300) / 300).toBeLessThan(0.05);
    expect(fitted.backend.shared?.connect.rate).toMatch(/^\d+\/s$/);
    expect(note).toMatch(/share capacity/);
  });

  it('together twice one alone: independent, nothing shared', () => {
    const joint = ladder(600, 'connect');
    const fitted = fitBackend([joint, ...alone], CTX, 2);
    const { verdict, note } = applyShared(fitted, joint, alone, CTX);
    expect(verdict.shared).toBe(false);
    expect(fitted.backend.shared).toBeUndefined();
    expect(fitted.fits['shared.connect.rate']).toBeUndefined();
    expect(note).toMatch(/independent/);
  });

  it('a joint probe without a knee (a lower bound) is never called shared', () => {
    expect(sharedVerdict(ladder(100, 'connect', false), alone, CTX).shared).toBe(false);
  });

  it('the file round-trips and resolves through from: into the model', async () => {
    const joint = ladder(300, 'connect');
    const fitted = fitBackend([joint, ...alone], CTX, 2);
    applyShared(fitted, joint, alone, CTX);
    const r: CalibrationResult = {
      takenAt: '2026-11-27T20:31:04.120Z',
      targets: { mqtt: ['mqtt://a.test:1883', 'mqtt://b.test:1883'] },
      stoppedBy: 'knee',
      probes: [],
      fits: fitted.fits,
      backend: fitted.backend,
      notes: [],
    };
    const text = calibrationYaml(r, '0.1.0');
    const file = parseCalibration(parse(text), 'backend.calibrated.yaml');
    expect(file.backend.brokers).toBe(2);
    expect(file.backend.shared?.connect.rate).toBe(fitted.backend.shared?.connect.rate);
    dir = mkdtempSync(join(tmpdir(), 'fleetstorm-cal-shared-'));
    const path = join(dir, 'backend.calibrated.yaml');
    writeFileSync(path, text);
    const s = await resolveScenarioObject(
      { name: 'shared-from', fleet: [{ device: 'sensor', count: 10 }], backend: { from: path } },
      'shared-from',
      { env: {} },
    );
    expect(s.backend.brokers).toBe(2);
    expect(s.backend.shared?.connect.ratePerSec).toBe(parseInt(String(fitted.backend.shared?.connect.rate)));
  });

  it('a bad shared value in the file is one line naming the field', () => {
    const text = `calibration:\n  taken-at: "2026-11-27T20:31:04.120Z"\n  fleetstorm-version: "0.1.0"\n  targets: { mqtt: ["mqtt://a.test:1883"] }\n  stopped-by: knee\nbackend:\n  brokers: 2\n  shared: { connect: { rate: fast } }\n`;
    let e: unknown;
    try {
      parseCalibration(parse(text), 'c.yaml');
    } catch (err) {
      e = err;
    }
    expect(e).toBeInstanceOf(ToolError);
    expect((e as ToolError).code).toBe('FLEETSTORM_ERR_SCENARIO_UNIT');
    expect((e as ToolError).where).toMatch(/c\.yaml: backend\.shared\.connect\.rate$/);
    expect((e as ToolError).message.includes('\n')).toBe(false);
  });
});
