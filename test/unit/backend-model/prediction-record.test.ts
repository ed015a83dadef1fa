// The prediction-error statement a calibrated virtual run carries: its figures are the ones the
// calibration benchmark recorded (src/backend-model/prediction-record.ts), never made up here.
import { describe, expect, it } from 'vitest';
import {
  PREDICTED_QUANTITIES,
  PREDICTION_RECORD,
  predictionErrorLine,
  predictionErrorReport,
  type PredictionRecord,
} from '../../../src/backend-model/prediction-record.js';

type Errors = PredictionRecord['checks'][number]['absErrorPct'];

const check = (bottleneck: 'backend' | 'load generator', absErrorPct: Errors, liveDevices = 52_000) => ({
  shape: `shape ${bottleneck}`,
  bottleneck,
  liveDevices,
  absErrorPct,
});

const record = (...checks: ReturnType<typeof check>[]): PredictionRecord => ({
  ...PREDICTION_RECORD,
  checks,
});

const NONE: Errors = {
  recovery: null,
  'connect-p50': null,
  'connect-p99': null,
  refusals: null,
  'publish-p99': null,
};

describe('prediction record', () => {
  it('the report holds the worst error of each quantity over the backend-bound checks, the largest as "within"', () => {
    const p = predictionErrorReport();
    const backend = PREDICTION_RECORD.checks.filter((c) => c.bottleneck === 'backend');
    for (const q of PREDICTED_QUANTITIES) {
      const errs = backend.map((c) => c.absErrorPct[q]).filter((v): v is number => v !== null);
      expect(p.byQuantity[q]).toBe(errs.length === 0 ? null : Math.max(...errs));
    }
    const known = Object.values(p.byQuantity).filter((v): v is number => v !== null);
    expect(p.withinPct).toBe(known.length === 0 ? null : Math.max(...known));
    expect(p.benchDate).toBe(PREDICTION_RECORD.benchDate);
    expect(p.command).toBe(PREDICTION_RECORD.command);
  });

  it('the line states the largest error and each quantity, from the record given', () => {
    const line = predictionErrorLine(
      predictionErrorReport(
        record(
          check('backend', {
            recovery: 4.2,
            'connect-p50': 12.6,
            'connect-p99': 31,
            refusals: 0,
            'publish-p99': null,
          }),
          check('backend', { ...NONE, recovery: 9 }, 8000),
        ),
      ),
    );
    expect(line).toContain(
      'within ±31 % of live measurements in the calibration benchmark where the backend',
    );
    expect(line).toContain('52,000 devices live');
    expect(line).toContain('recovery time ±9 %');
    expect(line).toContain('connect p50 ±13 %');
    expect(line).toContain('refusals ±0 %');
    expect(line).not.toContain('publish p99');
    expect(line).not.toContain('load generator');
  });

  it('checks where the load generator was the bottleneck are stated apart, never folded into "within"', () => {
    const p = predictionErrorReport(
      record(
        check('backend', { ...NONE, recovery: 10, 'connect-p99': 20 }),
        check('load generator', { ...NONE, recovery: 168, 'connect-p50': 100 }, 25_000),
      ),
    );
    expect(p.withinPct).toBe(20);
    expect(p.generatorBound?.withinPct).toBe(168);
    expect(p.generatorBound?.liveDevices).toBe(25_000);
    const line = predictionErrorLine(p);
    expect(line).toContain('within ±20 %');
    expect(line).toContain("where the benchmark's own load generator was the bottleneck");
    expect(line).toContain('up to ±168 % (recovery time ±168 %, connect p50 ±100 %)');
  });

  it('with nothing compared the line says so instead of a figure', () => {
    expect(predictionErrorLine(predictionErrorReport(record(check('backend', NONE))))).toMatch(
      /not been compared/,
    );
    const onlyGenerator = predictionErrorLine(
      predictionErrorReport(record(check('load generator', { ...NONE, refusals: 100 }))),
    );
    expect(onlyGenerator).toMatch(/not been compared with live measurements of a backend-bound storm/);
    expect(onlyGenerator).toContain('up to ±100 %');
  });
});
