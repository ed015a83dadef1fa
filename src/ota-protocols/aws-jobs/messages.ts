// Message shapes of the AWS IoT Jobs device MQTT API, and fleetstorm's job document.
//   Operations:  https://docs.aws.amazon.com/iot/latest/developerguide/jobs-mqtt-api.html
//   Data types:  https://docs.aws.amazon.com/iot/latest/developerguide/jobs-data-plane-data-types.html
//   Errors:      https://docs.aws.amazon.com/iot/latest/developerguide/jobs-api.html#jobs-mqtt-error-response
//   Notify-next: https://docs.aws.amazon.com/iot/latest/developerguide/jobs-comm-notifications.html
// `timestamp` and the `...At` fields are seconds since the epoch, as the MQTT API page says.
// The data-types page writes `jobDocument` as "string"; over MQTT it arrives as the JSON object
// the job was created with (the device SDKs parse it as a map), and so we send it.

export const JOB_STATUSES = [
  'QUEUED',
  'IN_PROGRESS',
  'FAILED',
  'SUCCEEDED',
  'CANCELED',
  'TIMED_OUT',
  'REJECTED',
  'REMOVED',
] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];

export const TERMINAL_STATUSES: ReadonlySet<JobStatus> = new Set([
  'FAILED',
  'SUCCEEDED',
  'CANCELED',
  'TIMED_OUT',
  'REJECTED',
  'REMOVED',
]);

export const JOBS_ERROR_CODES = [
  'InvalidTopic',
  'InvalidJson',
  'InvalidRequest',
  'InvalidStateTransition',
  'ResourceNotFound',
  'VersionMismatch',
  'InternalError',
  'RequestThrottled',
  'TerminalStateReached',
] as const;
export type JobsErrorCode = (typeof JOBS_ERROR_CODES)[number];

export type StatusDetails = Record<string, string>;

export interface JobExecution {
  jobId: string;
  thingName: string;
  jobDocument: FirmwareJobDocument;
  status: JobStatus;
  statusDetails?: StatusDetails;
  queuedAt: number;
  startedAt?: number;
  lastUpdatedAt: number;
  versionNumber: number;
  executionNumber: number;
  approximateSecondsBeforeTimedOut?: number;
}

export interface JobExecutionState {
  status: JobStatus;
  statusDetails?: StatusDetails;
  versionNumber: number;
}

export interface StartNextRequest {
  clientToken?: string;
  stepTimeoutInMinutes?: number;
  statusDetails?: StatusDetails;
}

export interface StartNextAccepted {
  /** Absent when the thing has no pending execution. */
  execution?: JobExecution;
  timestamp: number;
  clientToken?: string;
}

export interface UpdateRequest {
  status: JobStatus;
  statusDetails?: StatusDetails;
  expectedVersion?: number;
  executionNumber?: number;
  includeJobExecutionState?: boolean;
  includeJobDocument?: boolean;
  stepTimeoutInMinutes?: number;
  clientToken?: string;
}

export interface UpdateAccepted {
  executionState?: JobExecutionState;
  jobDocument?: FirmwareJobDocument;
  timestamp: number;
  clientToken?: string;
}

export interface ErrorResponse {
  code: JobsErrorCode;
  message: string;
  clientToken?: string;
  timestamp: number;
  executionState?: JobExecutionState;
}

/** NextJobExecutionChanged on `notify-next`: no `execution` once nothing is pending. */
export interface NextNotification {
  timestamp: number;
  execution?: JobExecution;
}

/**
 * fleetstorm's job document (the JSON given to `aws iot create-job --document`): one firmware
 * image, its size and digest. `url` is usually a presigned S3 URL (`${aws:iot:s3-presigned-url:…}`).
 */
export interface FirmwareJobDocument {
  operation: 'firmware-update';
  version: string;
  url: string;
  sizeBytes?: number;
  sha256?: string;
}

/** Reads a job document from an untrusted execution; null when it is not a firmware update. */
export function readJobDocument(doc: unknown): FirmwareJobDocument | null {
  if (typeof doc === 'string') {
    try {
      return readJobDocument(JSON.parse(doc) as unknown);
    } catch {
      return null;
    }
  }
  if (typeof doc !== 'object' || doc === null) return null;
  const d = doc as Record<string, unknown>;
  if (d.operation !== 'firmware-update' || typeof d.version !== 'string' || typeof d.url !== 'string')
    return null;
  const out: FirmwareJobDocument = { operation: 'firmware-update', version: d.version, url: d.url };
  if (typeof d.sizeBytes === 'number' && Number.isSafeInteger(d.sizeBytes) && d.sizeBytes >= 0)
    out.sizeBytes = d.sizeBytes;
  if (typeof d.sha256 === 'string' && /^[0-9a-f]{64}$/i.test(d.sha256)) out.sha256 = d.sha256.toLowerCase();
  return out;
}

/** Parses a JSON object payload; null for anything else (hostile or broken input is data). */
export function parseObject(payload: Buffer): Record<string, unknown> | null {
  try {
    const v = JSON.parse(payload.toString('utf8')) as unknown;
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** Reads `statusDetails`: a string-to-string map, anything else dropped. */
export function readStatusDetails(v: unknown): StatusDetails | undefined {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return undefined;
  const out: StatusDetails = {};
  for (const [k, val] of Object.entries(v as Record<string, unknown>))
    if (typeof val === 'string') out[k] = val;
  return out;
}

export function isJobStatus(v: unknown): v is JobStatus {
  return typeof v === 'string' && (JOB_STATUSES as readonly string[]).includes(v);
}

export function isJobsErrorCode(v: unknown): v is JobsErrorCode {
  return typeof v === 'string' && (JOBS_ERROR_CODES as readonly string[]).includes(v);
}
