// The jobs service's job executions, one current execution per thing, with the transitions of
// the Jobs device API: start-next (QUEUED → IN_PROGRESS), updates checked against
// `expectedVersion`, terminal states, cancellation and step time-outs. Pure: time comes in.
//   https://docs.aws.amazon.com/iot/latest/developerguide/jobs-mqtt-api.html
//   https://docs.aws.amazon.com/iot/latest/developerguide/jobs-api.html#jobs-mqtt-error-response
import {
  TERMINAL_STATUSES,
  type FirmwareJobDocument,
  type JobExecution,
  type JobExecutionState,
  type JobStatus,
  type JobsErrorCode,
  type StatusDetails,
} from './messages.js';

export interface Execution {
  jobId: string;
  /** The DeploymentDesk's id of the deployment this job carries. */
  deploymentId: string;
  thingName: string;
  doc: FirmwareJobDocument;
  status: JobStatus;
  statusDetails: StatusDetails;
  queuedAtMs: number;
  startedAtMs: number | null;
  lastUpdatedAtMs: number;
  versionNumber: number;
  executionNumber: number;
  /** IN_PROGRESS only: TIMED_OUT when no update comes before this. */
  stepDeadlineMs: number | null;
}

export type UpdateOutcome = { ok: true } | { ok: false; code: JobsErrorCode; message: string };

/** Statuses a device may set [UpdateJobExecution]. */
const DEVICE_STATUSES: ReadonlySet<JobStatus> = new Set(['IN_PROGRESS', 'SUCCEEDED', 'FAILED', 'REJECTED']);

/** Job ids are `[a-zA-Z0-9_-]{1,64}`: other characters of a deployment id become `_`. */
export function jobIdOf(deploymentId: string): string {
  return deploymentId.replace(/[^a-zA-Z0-9_-]/g, '_').slice(0, 64) || 'job';
}

const sec = (ms: number): number => Math.floor(ms / 1000);

function sameDetails(a: StatusDetails, b: StatusDetails): boolean {
  const ka = Object.keys(a);
  return ka.length === Object.keys(b).length && ka.every((k) => a[k] === b[k]);
}

export function executionView(e: Execution, nowMs: number): JobExecution {
  const view: JobExecution = {
    jobId: e.jobId,
    thingName: e.thingName,
    jobDocument: e.doc,
    status: e.status,
    statusDetails: e.statusDetails,
    queuedAt: sec(e.queuedAtMs),
    lastUpdatedAt: sec(e.lastUpdatedAtMs),
    versionNumber: e.versionNumber,
    executionNumber: e.executionNumber,
  };
  if (e.startedAtMs !== null) view.startedAt = sec(e.startedAtMs);
  if (e.stepDeadlineMs !== null)
    view.approximateSecondsBeforeTimedOut = Math.max(0, Math.ceil((e.stepDeadlineMs - nowMs) / 1000));
  return view;
}

export function stateView(e: Execution): JobExecutionState {
  return { status: e.status, statusDetails: e.statusDetails, versionNumber: e.versionNumber };
}

export class ExecutionStore {
  private readonly byThing = new Map<string, Execution>();
  private readonly runs = new Map<string, number>();

  constructor(private readonly minuteMs: number) {}

  get(thing: string): Execution | undefined {
    return this.byThing.get(thing);
  }

  active(thing: string): Execution | undefined {
    const e = this.byThing.get(thing);
    return e && !TERMINAL_STATUSES.has(e.status) ? e : undefined;
  }

  all(): IterableIterator<Execution> {
    return this.byThing.values();
  }

  /** A new QUEUED execution of a deployment for a thing (version 1). */
  queue(thing: string, deploymentId: string, doc: FirmwareJobDocument, nowMs: number): Execution {
    const jobId = jobIdOf(deploymentId);
    const key = `${thing}\u0000${jobId}`;
    const executionNumber = (this.runs.get(key) ?? 0) + 1;
    this.runs.set(key, executionNumber);
    const e: Execution = {
      jobId,
      deploymentId,
      thingName: thing,
      doc,
      status: 'QUEUED',
      statusDetails: {},
      queuedAtMs: nowMs,
      startedAtMs: null,
      lastUpdatedAtMs: nowMs,
      versionNumber: 1,
      executionNumber,
      stepDeadlineMs: null,
    };
    this.byThing.set(thing, e);
    return e;
  }

  /** start-next on a pending execution: QUEUED becomes IN_PROGRESS; the step timer (re)starts. */
  start(e: Execution, nowMs: number, stepMin: number | undefined, details: StatusDetails | undefined): void {
    let changed = false;
    if (e.status === 'QUEUED') {
      e.status = 'IN_PROGRESS';
      e.startedAtMs = nowMs;
      changed = true;
    }
    if (details && !sameDetails(e.statusDetails, details)) {
      e.statusDetails = details;
      changed = true;
    }
    if (stepMin !== undefined) e.stepDeadlineMs = nowMs + stepMin * this.minuteMs;
    // Asking again for the execution in hand changes nothing: its version stays.
    if (changed) {
      e.versionNumber++;
      e.lastUpdatedAtMs = nowMs;
    }
  }

  /** A device's UpdateJobExecution; the execution is unchanged when refused. */
  update(
    e: Execution,
    req: {
      status: JobStatus;
      statusDetails?: StatusDetails;
      expectedVersion?: number;
      stepTimeoutInMinutes?: number;
    },
    nowMs: number,
  ): UpdateOutcome {
    if (TERMINAL_STATUSES.has(e.status))
      return { ok: false, code: 'InvalidStateTransition', message: `job execution is ${e.status}` };
    if (req.expectedVersion !== undefined && req.expectedVersion !== e.versionNumber)
      return {
        ok: false,
        code: 'VersionMismatch',
        message: `expected version ${req.expectedVersion}, current ${e.versionNumber}`,
      };
    if (!DEVICE_STATUSES.has(req.status))
      return { ok: false, code: 'InvalidRequest', message: `a device cannot set status ${req.status}` };
    e.status = req.status;
    if (e.startedAtMs === null) e.startedAtMs = nowMs;
    if (req.statusDetails) e.statusDetails = req.statusDetails;
    if (TERMINAL_STATUSES.has(e.status)) e.stepDeadlineMs = null;
    else if (req.stepTimeoutInMinutes !== undefined)
      e.stepDeadlineMs = nowMs + req.stepTimeoutInMinutes * this.minuteMs;
    e.versionNumber++;
    e.lastUpdatedAtMs = nowMs;
    return { ok: true };
  }

  /** Ends an execution from the server side (CANCELED by the desk, TIMED_OUT by the step timer). */
  end(e: Execution, status: 'CANCELED' | 'TIMED_OUT', nowMs: number): void {
    e.status = status;
    e.stepDeadlineMs = null;
    e.versionNumber++;
    e.lastUpdatedAtMs = nowMs;
  }

  /** Executions per status (the server's view of the fleet). */
  countByStatus(): Partial<Record<JobStatus, number>> {
    const out: Partial<Record<JobStatus, number>> = {};
    for (const e of this.byThing.values()) out[e.status] = (out[e.status] ?? 0) + 1;
    return out;
  }
}
