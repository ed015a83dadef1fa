// The jobs service's reading of devices' requests (untrusted JSON): start-next, update and the
// shadow's reported state; null when a field has the wrong type (answered InvalidRequest).
//   https://docs.aws.amazon.com/iot/latest/developerguide/jobs-mqtt-api.html
import { isJobStatus, readStatusDetails, type JobStatus, type StatusDetails } from './messages.js';

export interface StartNextAsk {
  statusDetails?: StatusDetails;
  stepTimeoutInMinutes?: number;
}

export interface UpdateAsk {
  status: JobStatus;
  statusDetails?: StatusDetails;
  expectedVersion?: number;
  stepTimeoutInMinutes?: number;
  includeJobExecutionState: boolean;
  includeJobDocument: boolean;
}

/** stepTimeoutInMinutes: 1 minute to 7 days [StartNextPendingJobExecution]. */
function stepMinutes(v: unknown): number | undefined | null {
  if (v === undefined) return undefined;
  return typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= 10080 ? v : null;
}

export function readStartNext(body: Record<string, unknown>): StartNextAsk | null {
  const step = stepMinutes(body.stepTimeoutInMinutes);
  if (step === null) return null;
  const details = readStatusDetails(body.statusDetails);
  return {
    ...(details ? { statusDetails: details } : {}),
    ...(step !== undefined ? { stepTimeoutInMinutes: step } : {}),
  };
}

export function readUpdate(body: Record<string, unknown>): UpdateAsk | null {
  const step = stepMinutes(body.stepTimeoutInMinutes);
  const expected = body.expectedVersion;
  if (!isJobStatus(body.status) || step === null) return null;
  if (expected !== undefined && !(typeof expected === 'number' && Number.isInteger(expected))) return null;
  const details = readStatusDetails(body.statusDetails);
  return {
    status: body.status,
    ...(details ? { statusDetails: details } : {}),
    ...(expected !== undefined ? { expectedVersion: expected } : {}),
    ...(step !== undefined ? { stepTimeoutInMinutes: step } : {}),
    includeJobExecutionState: body.includeJobExecutionState === true,
    includeJobDocument: body.includeJobDocument === true,
  };
}

/** The shadow update's `state.reported`, and the firmware and device type it names. */
export function readShadowReport(body: Record<string, unknown>): {
  reported: Record<string, unknown>;
  firmware: string | null;
  deviceType: string | null;
} {
  const state = body.state;
  const r =
    typeof state === 'object' && state !== null ? (state as Record<string, unknown>).reported : undefined;
  const reported =
    typeof r === 'object' && r !== null && !Array.isArray(r) ? (r as Record<string, unknown>) : {};
  return {
    reported,
    firmware: typeof reported.firmware === 'string' ? reported.firmware : null,
    deviceType: typeof reported.deviceType === 'string' ? reported.deviceType : null,
  };
}
