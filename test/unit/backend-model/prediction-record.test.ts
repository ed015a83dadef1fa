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

const record = (worst: PredictionRecord['worstAbsErrorPct']): PredictionRecord => ({
  ...PREDICTION_RECORD,
  worstAbsErrorPct: worst,
});

describe('prediction record', () => {
  it('the report holds the recorded worst error of each quantity, and the largest as "within"', () => {
    const p = predictionErrorReport();
    for (const q of PREDICTED_QUANTITIES) expect(p.byQuantity[q]).toBe(PREDICTION_RECORD.worstAbsErrorPct[q]);
    const known = Object.values(PREDICTION_RECORD.worstAbsErrorPct).filter((v) => v !== null);
    expect(p.withinPct).toBe(known.length === 0 ? null : Math.max(...known));
    expect(p.benchDate).toBe(PREDICTION_RECORD.benchDate);
    expect(p.command).toBe(PREDICTION_RECORD.command);
  });

  it('the line states the largest error and each quantity, from the record given', () => {
    const line = predictionErrorLine(
      predictionErrorReport(
        record({ recovery: 4.2, 'connect-p50': 12.6, 'connect-p99': 31, refusals: 0, 'publish-p99': null }),
      ),
    );
    expect(line).toContain('within ±31 % of live measurements in the calibration benchmark (BENCHMARKS.md');
    expect(line).toContain('recovery time ±4 %');
    expect(line).toContain('connect p50 ±13 %');
    expect(line).toContain('refusals ±0 %');
    expect(line).not.toContain('publish p99');
  });

  it('with nothing compared the line says so instead of a figure', () => {
    const none = record({
      recovery: null,
      'connect-p50': null,
      'connect-p99': null,
      refusals: null,
      'publish-p99': null,
    });
    expect(predictionErrorLine(predictionErrorReport(none))).toMatch(/not been compared/);
  });
});
