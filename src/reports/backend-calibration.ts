// The report's account of a modelled backend taken from a calibration (`backend: { from: }`):
// which file, when it was taken, against what, and how far predictions from a calibration have
// been from live measurements (the calibration benchmark's record). Virtual runs only: a live
// run measures the backend itself.
import {
  predictionErrorLine,
  predictionErrorReport,
  type PredictionErrorReport,
} from '../backend-model/prediction-record.js';
import { stoppedByText } from '../backend-model/calibration-file.js';
import type { CalibrationRef, ResolvedScenario } from '../scenario/types.js';
import type { Report } from './report-types.js';

export interface BackendCalibrationReport extends CalibrationRef {
  predictionError: PredictionErrorReport;
}

/** `{ backend: { calibration } }` for a virtual run from a calibration, else nothing. */
export function backendCalibrationField(
  s: ResolvedScenario,
): { backend: { calibration: BackendCalibrationReport } } | Record<string, never> {
  const ref = s.backend.calibration;
  if (ref === undefined || s.mode !== 'virtual') return {};
  return { backend: { calibration: { ...ref, predictionError: predictionErrorReport() } } };
}

/** Summary lines: the calibration used, and the prediction-error statement. */
export function calibrationLines(r: Report): string[] {
  const c = r.backend?.calibration;
  if (c === undefined) return [];
  const targets = [...c.targets.mqtt, ...(c.targets.http === undefined ? [] : [c.targets.http])].join(', ');
  return [
    `backend: calibrated from ${c.file}, taken ${c.takenAt} against ${targets} (${stoppedByText(c.stoppedBy)})`,
    `  ${predictionErrorLine(c.predictionError)}`,
  ];
}
