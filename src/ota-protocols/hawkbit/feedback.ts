// The agent's report states in DDI feedback terms and back. hawkBit's server reads `execution`
// (download → DOWNLOAD, downloaded → DOWNLOADED, closed → FINISHED or ERROR by
// `result.finished`, others → RUNNING); `details` carry what DDI has no word for (rebooting).
import type { DeskDeviceState, OtaReportState } from '../types.js';
import type { DdiActionFeedback, DdiExecution, DdiFinished } from './ddi-types.js';

/** Steps of one deployment as the device counts them in `result.progress`. */
const STEPS = 5;

const DEVICE_SIDE: Record<OtaReportState, [DdiExecution, DdiFinished, number, string | null]> = {
  downloading: ['download', 'none', 1, null],
  downloaded: ['downloaded', 'none', 2, null],
  installing: ['proceeding', 'none', 3, 'installing'],
  rebooting: ['proceeding', 'none', 4, 'rebooting'],
  success: ['closed', 'success', 5, null],
  failure: ['closed', 'failure', 5, null],
  'already-installed': ['closed', 'success', 5, 'already installed'],
};

export function feedbackOf(state: OtaReportState, detail?: string, timestampMs?: number): DdiActionFeedback {
  const [execution, finished, cnt, note] = DEVICE_SIDE[state];
  const details = [note, detail].filter((d): d is string => d !== null && d !== undefined && d !== '');
  const feedback: DdiActionFeedback = {
    status: {
      execution,
      result: { finished, progress: { cnt, of: STEPS } },
      ...(details.length > 0 ? { details } : {}),
    },
  };
  if (timestampMs !== undefined) feedback.timestamp = Math.round(timestampMs);
  return feedback;
}

/** The device confirms a cancellation: hawkBit turns `closed` + `success` into CANCELED. */
export function cancelConfirmation(timestampMs?: number): DdiActionFeedback {
  const feedback: DdiActionFeedback = {
    status: { execution: 'closed', result: { finished: 'success' }, details: ['cancellation confirmed'] },
  };
  if (timestampMs !== undefined) feedback.timestamp = Math.round(timestampMs);
  return feedback;
}

/**
 * Server side: the desk state a feedback means, or null for feedback that changes nothing
 * (`rejected`: hawkBit keeps the action open with a warning).
 */
export function deskStateOf(feedback: DdiActionFeedback): DeskDeviceState | null {
  const { execution, result, details = [] } = feedback.status;
  switch (execution) {
    case 'download':
      return 'downloading';
    case 'downloaded':
    case 'scheduled':
      return 'downloaded';
    case 'proceeding':
    case 'resumed':
      return details.includes('rebooting') ? 'rebooting' : 'installing';
    case 'closed':
      if (result.finished === 'failure') return 'failure';
      return details.includes('already installed') ? 'already-installed' : 'success';
    case 'canceled':
      return 'aborted';
    case 'rejected':
      return null;
  }
}
