// The device side of AWS IoT Jobs over the device's own MQTT session: subscribe to the jobs
// topics at CONNACK, `start-next` to ask for (and start) the next job, `{jobId}/update` to
// report, the shadow's reported firmware after a commit. Cancellation arrives as a notify-next
// that no longer names the device's job, or as a rejected update (the execution is terminal).
//   https://docs.aws.amazon.com/iot/latest/developerguide/jobs-mqtt-api.html
//   https://docs.aws.amazon.com/iot/latest/developerguide/jobs-comm-notifications.html
//   https://docs.aws.amazon.com/iot/latest/developerguide/device-shadow-mqtt.html
import { realTimers, type Timers } from '../../clock/real-clock.js';
import type { QoS } from '../../transports/mqtt/index.js';
import type {
  OtaAgentClient,
  OtaCheckAnswer,
  OtaDeployment,
  OtaDeviceFacts,
  OtaObserve,
  OtaReportAnswer,
  OtaReportState,
} from '../types.js';
import { JobsDeviceInbox, type DeviceJobState, type JobsMqttLink } from './device-inbox.js';
import {
  TERMINAL_STATUSES,
  isJobStatus,
  readJobDocument,
  type JobStatus,
  type UpdateRequest,
} from './messages.js';
import { PendingReplies } from './pending.js';
import { jobsTopic } from './topics.js';

export interface AwsJobsClientOptions {
  /** The device's MQTT session (LiveMqtt's deviceSubscribe/devicePublish). */
  link: JobsMqttLink;
  timers?: Timers;
  /** Real time a request waits for its accepted/rejected reply. Default 10 s. */
  replyTimeoutMs?: number;
  /** Sent with start-next and IN_PROGRESS updates: the server times the step out after it. Default 60. */
  stepTimeoutInMinutes?: number;
  /** QoS of the device's requests and subscriptions (AWS IoT Core: 0 or 1). Default 1. */
  qos?: QoS;
  /** The connection id of a device. Default: its place in the run. */
  connOf?: (dev: OtaDeviceFacts) => number;
  /** The thing name (= client id) of a connection, known at CONNACK. Default: learned from the first check. */
  thingOf?: (conn: number) => string | undefined;
  /** The thing name of a device (`ota.aws-jobs.thing-name`). Default: its id. */
  thingName?: (dev: OtaDeviceFacts) => string;
  /** notify-next announced a job or a cancellation: the device should check now. */
  wake?: (conn: number) => void;
  /** Each request sent, with its reply or none: the per-endpoint breakdown. */
  observe?: OtaObserve;
  /** A job document's image URL given as a path is resolved against this (the HTTP target). */
  imageBase?: string | null;
  /** Real monotonic µs, for the requests' latency. */
  clockUs?: () => number;
}

/** What each state the agent reports becomes in Jobs. */
const STATUS_OF: Record<OtaReportState, JobStatus> = {
  downloading: 'IN_PROGRESS',
  downloaded: 'IN_PROGRESS',
  installing: 'IN_PROGRESS',
  rebooting: 'IN_PROGRESS',
  success: 'SUCCEEDED',
  'already-installed': 'SUCCEEDED',
  failure: 'FAILED',
};

/** statusDetails values are 1..1024 characters without control characters. */
function detailValue(s: string): string {
  const clean = s.replace(/\p{C}/gu, ' ').slice(0, 1024);
  return clean.length > 0 ? clean : '-';
}

/** The image URL as the download needs it: absolute, or a path on the HTTP target; null if neither. */
function absoluteUrl(url: string, base: string | null): string | null {
  try {
    return new URL(url, base ?? undefined).href;
  } catch {
    return null;
  }
}

export class AwsJobsClient implements OtaAgentClient {
  readonly protocol = 'aws-iot-jobs' as const;
  readonly inbox: JobsDeviceInbox;
  private readonly pending: PendingReplies;
  private readonly stepMin: number;
  private readonly qos: QoS;

  constructor(private readonly opts: AwsJobsClientOptions) {
    this.pending = new PendingReplies(opts.timers ?? realTimers, opts.replyTimeoutMs ?? 10_000);
    this.stepMin = opts.stepTimeoutInMinutes ?? 60;
    this.qos = opts.qos ?? 1;
    this.inbox = new JobsDeviceInbox({
      link: opts.link,
      pending: this.pending,
      qos: this.qos,
      ...(opts.thingOf ? { thingOf: opts.thingOf } : {}),
      ...(opts.wake ? { wake: opts.wake } : {}),
      ...(opts.observe ? { observe: opts.observe } : {}),
      ...(opts.clockUs ? { clockUs: opts.clockUs } : {}),
    });
  }

  /** Messages sent and replies seen, per kind (the client's side of the conversation). */
  get counters(): JobsDeviceInbox['counters'] {
    return this.inbox.counters;
  }

  /** Requests sent and still awaiting their reply. */
  get awaitingReplies(): number {
    return this.pending.size;
  }

  private stateOf(dev: OtaDeviceFacts): { conn: number; st: DeviceJobState } {
    const conn = this.opts.connOf ? this.opts.connOf(dev) : (dev.conn ?? dev.index);
    return { conn, st: this.inbox.state(conn, this.opts.thingName ? this.opts.thingName(dev) : dev.id) };
  }

  /** start-next; `working`: the deployment the device holds unfinished (its id is the job id). */
  async check(dev: OtaDeviceFacts, working?: OtaDeployment | null): Promise<OtaCheckAnswer> {
    const { conn, st } = this.stateOf(dev);
    if (st.cancelled !== null) {
      const deploymentId = st.cancelled;
      st.cancelled = null;
      return { kind: 'cancel', deploymentId };
    }
    this.inbox.counters.startNext++;
    const holding = working?.id ?? st.job?.jobId ?? null;
    // With no job in hand its statusDetails tell the service what runs here (type, firmware);
    // with one they would overwrite the job's own (its step), so they are left out.
    const body =
      holding === null
        ? {
            stepTimeoutInMinutes: this.stepMin,
            statusDetails: { firmware: detailValue(dev.version), deviceType: detailValue(dev.deviceType) },
          }
        : { stepTimeoutInMinutes: this.stepMin };
    const reply = await this.inbox.request(conn, st, jobsTopic.startNext(st.thing), body, 'check');
    if (reply.kind !== 'accepted')
      return { kind: 'failed', reason: reply.kind === 'rejected' ? 'rejected' : reply.kind };
    const exec = reply.body.execution as Record<string, unknown> | undefined;
    const jobId = typeof exec?.jobId === 'string' ? exec.jobId : null;
    const current = holding;
    if (current !== null && jobId !== current) {
      // The job this device works on is no longer next: the server ended it.
      st.job = null;
      return { kind: 'cancel', deploymentId: current };
    }
    if (!exec || jobId === null) return { kind: 'none' };
    const doc = readJobDocument(exec.jobDocument);
    const url = doc ? absoluteUrl(doc.url, this.opts.imageBase ?? null) : null;
    if (!doc || url === null) return { kind: 'failed', reason: 'bad_job_document' };
    st.job = {
      jobId,
      versionNumber: typeof exec.versionNumber === 'number' ? exec.versionNumber : null,
      finishing: false,
    };
    const deployment: OtaDeployment = {
      id: jobId,
      version: doc.version,
      url,
      sizeBytes: doc.sizeBytes ?? null,
      sha256: doc.sha256 ?? null,
    };
    return { kind: 'offer', deployment };
  }

  /**
   * One update at a time per device, as a device SDK sends them: each carries the version the
   * previous reply gave, so a second one sent before that reply would be a VersionMismatch.
   */
  report(
    dev: OtaDeviceFacts,
    dep: OtaDeployment,
    state: OtaReportState,
    detail?: string,
  ): Promise<OtaReportAnswer> {
    const { conn, st } = this.stateOf(dev);
    const run = st.updates.then(() => this.reportNow(conn, st, dep, state, detail));
    st.updates = run;
    return run;
  }

  private async reportNow(
    conn: number,
    st: DeviceJobState,
    dep: OtaDeployment,
    state: OtaReportState,
    detail: string | undefined,
  ): Promise<OtaReportAnswer> {
    if (st.cancelled === dep.id) {
      st.cancelled = null; // heard on notify-next: the execution is over, say nothing more
      return 'aborted';
    }
    const status = STATUS_OF[state];
    const terminal = status !== 'IN_PROGRESS';
    if (st.job?.jobId !== dep.id) st.job = { jobId: dep.id, versionNumber: null, finishing: false };
    const job = st.job;
    job.finishing = terminal;
    const answer = await this.sendUpdate(conn, st, dep.id, status, state, detail, true);
    if (answer === 'ok' && state === 'success')
      void this.inbox.reportShadow(conn, st, { firmware: dep.version });
    if (terminal || answer === 'aborted') {
      if (st.job === job) st.job = null;
      if (answer === 'aborted') st.cancelled = null; // the agent has been told
    }
    return answer;
  }

  private async sendUpdate(
    conn: number,
    st: DeviceJobState,
    jobId: string,
    status: JobStatus,
    state: OtaReportState,
    detail: string | undefined,
    mayResync: boolean,
  ): Promise<OtaReportAnswer> {
    const body: UpdateRequest = {
      status,
      statusDetails: { step: state, ...(detail ? { reason: detailValue(detail) } : {}) },
      includeJobExecutionState: true,
    };
    // Kept in RAM only: after a power loss the update goes without it (the field is optional).
    const expected = st.job?.jobId === jobId ? st.job.versionNumber : null;
    if (expected !== null) body.expectedVersion = expected;
    if (status === 'IN_PROGRESS') body.stepTimeoutInMinutes = this.stepMin;
    this.inbox.counters.update++;
    const reply = await this.inbox.request(conn, st, jobsTopic.update(st.thing, jobId), body, 'report');
    if (reply.kind === 'accepted') {
      const version = (reply.body.executionState as Record<string, unknown> | undefined)?.versionNumber;
      if (st.job?.jobId === jobId) st.job.versionNumber = typeof version === 'number' ? version : null;
      return 'ok';
    }
    if (reply.kind !== 'rejected') return 'failed';
    const code = reply.body.code;
    const exec = reply.body.executionState as Record<string, unknown> | undefined;
    const execStatus = isJobStatus(exec?.status) ? exec.status : null;
    if (
      code === 'VersionMismatch' &&
      mayResync &&
      execStatus !== null &&
      !TERMINAL_STATUSES.has(execStatus)
    ) {
      // Another writer moved the execution on: take its version and say it again, once.
      if (st.job?.jobId === jobId && typeof exec?.versionNumber === 'number')
        st.job.versionNumber = exec.versionNumber;
      return this.sendUpdate(conn, st, jobId, status, state, detail, false);
    }
    if (
      code === 'VersionMismatch' ||
      code === 'TerminalStateReached' ||
      code === 'ResourceNotFound' ||
      (code === 'InvalidStateTransition' && execStatus !== null && TERMINAL_STATUSES.has(execStatus))
    )
      return 'aborted';
    return 'failed';
  }

  async booted(dev: OtaDeviceFacts): Promise<void> {
    const { conn, st } = this.stateOf(dev);
    // The device type lets the jobs service pick the device's deployment before it asks.
    // Not awaited: the boot goes on while the shadow's reply (or its deadline) comes.
    void this.inbox.reportShadow(conn, st, { firmware: dev.version, deviceType: dev.deviceType });
    return Promise.resolve();
  }

  powerLost(dev: OtaDeviceFacts): void {
    const { conn, st } = this.stateOf(dev);
    this.inbox.powerLost(conn, st);
  }

  async close(): Promise<void> {
    this.pending.dropAll();
    return Promise.resolve();
  }
}
