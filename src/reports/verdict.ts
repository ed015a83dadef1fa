// The run's verdict, from its status and threshold results (DESIGN §8: exit 0 / 1 / 4 / 130).
import type { Report, RunStatus, ThresholdResult } from './report-types.js';

export function verdictOf(status: RunStatus, thresholds: readonly ThresholdResult[]): Report['verdict'] {
  switch (status) {
    case 'completed':
      return thresholds.every((t) => t.ok) ? 'passed' : 'failed';
    case 'aborted':
      return 'aborted';
    case 'interrupted':
    case 'crashed':
      return 'incomplete';
  }
}
