// The embedded backend's AWS IoT Jobs service: answers the devices' start-next and update
// requests on the broker, backed by the DeploymentDesk (waves, failure limit, pause/abort),
// queues a job and publishes notify-next when a thing's wave starts, ends executions the desk
// cancelled (CANCELED) or that missed their step deadline (TIMED_OUT), takes shadow updates.
//   https://docs.aws.amazon.com/iot/latest/developerguide/jobs-mqtt-api.html
//   https://docs.aws.amazon.com/iot/latest/developerguide/jobs-comm-notifications.html
//   https://docs.aws.amazon.com/iot/latest/developerguide/device-shadow-mqtt.html
import { EndpointStats } from '../../backend/endpoint-stats.js';
import type { EndpointStat } from '../../backend/types.js';
import {
  monotonicUs,
  realTimers,
  wallClockMs,
  type TimerHandle,
  type Timers,
} from '../../clock/real-clock.js';
import type { DeploymentDesk } from '../types.js';
import { ExecutionStore, executionView, stateView, type Execution } from './executions.js';
import { TERMINAL_STATUSES, parseObject, type JobsErrorCode } from './messages.js';
import { deskState } from './desk-states.js';
import { readShadowReport, readStartNext, readUpdate } from './requests.js';
import { emptyJobsServiceCounters } from './service-counters.js';
import { jobsTopic, parseJobsTopic, type JobsTopic } from './topics.js';

/** The service's endpoints as the report names them (next to the HTTP routes). */
const ENDPOINT_NAMES = {
  'start-next': 'jobs start-next',
  update: 'jobs update',
  'shadow-update': 'shadow update',
} as const;

/** How the service publishes on the broker (broker-service.ts: the embedded broker). */
export type JobsPublish = (topic: string, payload: Buffer) => void;

export interface AwsJobsServiceOptions {
  desk: DeploymentDesk;
  /**
   * Origin of the image URLs put in job documents (the embedded HTTP API); absent or null: the
   * path alone, which the device resolves against its HTTP target (AWS puts presigned URLs here).
   */
  imageBaseUrl?: string | (() => string | null);
  publish: JobsPublish;
  timers?: Timers;
  nowMs?: () => number;
  /** Monotonic µs, for the handling time per request. */
  clockUs?: () => number;
  /** How often waves, cancellations and step deadlines are looked at. Default 500 ms. */
  tickMs?: number;
  /** Length of a "minute" of stepTimeoutInMinutes (tests shorten it). Default 60 000. */
  minuteMs?: number;
}

export class AwsJobsService {
  readonly counters = emptyJobsServiceCounters();
  private readonly store: ExecutionStore;
  /** What each thing said of itself (start-next statusDetails, shadow reported state). */
  private readonly facts = new Map<string, { deviceType: string; version: string }>();
  private readonly things = new Set<string>();
  private readonly timers: Timers;
  private readonly now: () => number;
  private readonly ticker: TimerHandle;
  private readonly measured = new EndpointStats();
  private readonly clockUs: () => number;
  /** The answer to the request being handled: 200 accepted, 400 rejected. */
  private answer = 200;

  constructor(private readonly opts: AwsJobsServiceOptions) {
    this.timers = opts.timers ?? realTimers;
    this.now = opts.nowMs ?? wallClockMs;
    this.clockUs = opts.clockUs ?? monotonicUs;
    this.store = new ExecutionStore(opts.minuteMs ?? 60_000);
    this.ticker = this.timers.setInterval(() => this.tick(), opts.tickMs ?? 500);
    this.ticker.unref?.();
  }

  /** A thing subscribed to its notify-next: it will hear of its wave. */
  seen(topic: string): void {
    const t = parseJobsTopic(topic);
    if (t?.kind === 'notify-next') this.things.add(t.thing);
  }

  /** A device's PUBLISH; false when the topic is not the service's. */
  handle(topic: string, payload: Buffer): boolean {
    const t = parseJobsTopic(topic);
    if (!t || t.kind === 'notify-next' || t.reply !== null) return false; // replies are the service's own
    const startedUs = this.clockUs();
    this.answer = 200;
    this.dispatch(t, payload);
    this.measured.add(ENDPOINT_NAMES[t.kind], this.clockUs() - startedUs, this.answer);
    return true;
  }

  private dispatch(t: Exclude<JobsTopic, { kind: 'notify-next' }>, payload: Buffer): void {
    const body = parseObject(payload);
    const token = typeof body?.clientToken === 'string' ? body.clientToken : undefined;
    this.things.add(t.thing);
    if (t.kind === 'shadow-update') {
      this.counters.shadowUpdate++;
      if (body) this.shadow(t.thing, body, token);
      else this.answer = 400;
      return;
    }
    const replyTo =
      t.kind === 'start-next' ? jobsTopic.startNext(t.thing) : jobsTopic.update(t.thing, t.jobId);
    if (!body) {
      this.counters.invalid++;
      this.reject(replyTo, t.kind, 'InvalidJson', 'the payload is not a JSON object', undefined);
      return;
    }
    if (t.kind === 'start-next') this.startNext(t.thing, body, token);
    else this.update(t.thing, t.jobId, body, token);
  }

  private stamp(): number {
    return Math.floor(this.now() / 1000);
  }

  private send(topic: string, body: object): void {
    this.opts.publish(topic, Buffer.from(JSON.stringify(body)));
  }

  private reject(
    topic: string,
    kind: 'start-next' | 'update',
    code: JobsErrorCode,
    message: string,
    token: string | undefined,
    e?: Execution,
  ): void {
    this.answer = 400;
    if (kind === 'start-next') this.counters.startNextRejected++;
    else this.counters.updateRejected++;
    const body = { code, message, timestamp: this.stamp(), ...(token ? { clientToken: token } : {}) };
    this.send(`${topic}/rejected`, e ? { ...body, executionState: stateView(e) } : body);
  }

  private startNext(thing: string, body: Record<string, unknown>, token: string | undefined): void {
    this.counters.startNext++;
    const ask = readStartNext(body);
    if (!ask) {
      const why = 'stepTimeoutInMinutes is not a whole number of minutes in 1..10080';
      this.reject(jobsTopic.startNext(thing), 'start-next', 'InvalidRequest', why, token);
      return;
    }
    const details = ask.statusDetails;
    if (details?.firmware)
      this.facts.set(thing, { version: details.firmware, deviceType: details.deviceType ?? '' });
    const nowMs = this.now();
    let e = this.store.active(thing);
    if (e && this.opts.desk.cancelled(thing, e.deploymentId)) e = this.cancel(e);
    e ??= this.queueNext(thing, false);
    if (e) this.store.start(e, nowMs, ask.stepTimeoutInMinutes, details);
    this.counters.startNextAccepted++;
    this.send(`${jobsTopic.startNext(thing)}/accepted`, {
      ...(e ? { execution: executionView(e, nowMs) } : {}),
      timestamp: this.stamp(),
      ...(token ? { clientToken: token } : {}),
    });
  }

  private update(
    thing: string,
    jobId: string,
    body: Record<string, unknown>,
    token: string | undefined,
  ): void {
    this.counters.update++;
    const replyTo = jobsTopic.update(thing, jobId);
    const e = this.store.get(thing);
    if (!e || e.jobId !== jobId) {
      this.reject(replyTo, 'update', 'ResourceNotFound', `no execution of job ${jobId} for ${thing}`, token);
      return;
    }
    const req = readUpdate(body);
    if (!req) {
      const why = 'status, expectedVersion or stepTimeoutInMinutes malformed';
      this.reject(replyTo, 'update', 'InvalidRequest', why, token);
      return;
    }
    if (!isOver(e) && this.opts.desk.cancelled(thing, e.deploymentId)) this.cancel(e);
    const { status, statusDetails: details } = req;
    const before = { status: e.status, versionNumber: e.versionNumber };
    const out = this.store.update(e, req, this.now());
    if (!out.ok) {
      if (out.code === 'VersionMismatch') this.counters.versionMismatch++;
      this.reject(replyTo, 'update', out.code, out.message, token, e);
      return;
    }
    const desk = this.opts.desk.report(thing, e.deploymentId, deskState(status, details), details?.reason);
    if (desk === 'aborted') {
      // The desk ended this device's deployment: the update lands on a cancelled execution.
      e.status = before.status;
      e.versionNumber = before.versionNumber;
      this.cancel(e);
      this.reject(replyTo, 'update', 'InvalidStateTransition', 'job execution is CANCELED', token, e);
      return;
    }
    this.counters.updateAccepted++;
    this.send(`${replyTo}/accepted`, {
      ...(req.includeJobExecutionState ? { executionState: stateView(e) } : {}),
      ...(req.includeJobDocument ? { jobDocument: e.doc } : {}),
      timestamp: this.stamp(),
      ...(token ? { clientToken: token } : {}),
    });
    if (isOver(e)) {
      if (status === 'SUCCEEDED')
        this.facts.set(thing, { ...(this.facts.get(thing) ?? { deviceType: '' }), version: e.doc.version });
      this.notifyNext(thing, undefined);
    }
  }

  private shadow(thing: string, body: Record<string, unknown>, token: string | undefined): void {
    const { reported, firmware, deviceType } = readShadowReport(body);
    if (firmware !== null)
      this.facts.set(thing, {
        version: firmware,
        deviceType: deviceType ?? this.facts.get(thing)?.deviceType ?? '',
      });
    this.send(`${jobsTopic.shadowUpdate(thing)}/accepted`, {
      state: { reported },
      timestamp: this.stamp(),
      ...(token ? { clientToken: token } : {}),
    });
  }

  /** Asks the desk for this thing's deployment and queues it as a job (notify-next when `announce`). */
  private queueNext(thing: string, announce: boolean): Execution | undefined {
    const f = this.facts.get(thing);
    if (!f) return undefined;
    const dep = this.opts.desk.next({ id: thing, deviceType: f.deviceType, version: f.version });
    if (!dep) return undefined;
    const last = this.store.get(thing);
    // A finished execution of the same deployment is not queued again unasked (no retry config).
    if (announce && last && last.deploymentId === dep.id) return undefined;
    const doc = {
      operation: 'firmware-update' as const,
      version: dep.version,
      url: this.imageUrl(dep.path),
      sizeBytes: dep.sizeBytes,
      sha256: dep.sha256,
    };
    const e = this.store.queue(thing, dep.id, doc, this.now());
    this.counters.queued++;
    if (announce) this.notifyNext(thing, e);
    return e;
  }

  private imageUrl(path: string): string {
    const b = this.opts.imageBaseUrl;
    const base = typeof b === 'function' ? b() : b;
    return base ? new URL(path, base).toString() : path;
  }

  private cancel(e: Execution): undefined {
    this.store.end(e, 'CANCELED', this.now());
    this.counters.canceled++;
    this.notifyNext(e.thingName, undefined);
    return undefined;
  }

  private notifyNext(thing: string, e: Execution | undefined): void {
    this.counters.notifyNext++;
    this.send(jobsTopic.notifyNext(thing), {
      timestamp: this.stamp(),
      ...(e ? { execution: executionView(e, this.now()) } : {}),
    });
  }

  /** Waves that started, executions the desk cancelled, steps past their deadline. */
  tick(): void {
    const nowMs = this.now();
    for (const thing of this.things) {
      const e = this.store.active(thing);
      if (!e) {
        // Unasked, only things with no job yet or whose last one succeeded are offered the next.
        const last = this.store.get(thing);
        if (!last || last.status === 'SUCCEEDED') this.queueNext(thing, true);
        continue;
      }
      if (this.opts.desk.cancelled(thing, e.deploymentId)) this.cancel(e);
      else if (e.stepDeadlineMs !== null && nowMs > e.stepDeadlineMs) {
        this.store.end(e, 'TIMED_OUT', nowMs);
        this.counters.timedOut++;
        this.opts.desk.report(thing, e.deploymentId, 'failure', 'step timed out');
        this.notifyNext(thing, undefined);
      }
    }
  }

  /** Requests per endpoint: count, rejections (as errors) and handling time (the report's server view). */
  endpoints(): Record<string, EndpointStat> {
    return this.measured.snapshot();
  }

  /** Executions per status (the server's view). */
  executions(): ReturnType<ExecutionStore['countByStatus']> {
    return this.store.countByStatus();
  }

  close(): void {
    this.timers.clearInterval(this.ticker);
  }
}

function isOver(e: Execution): boolean {
  return TERMINAL_STATUSES.has(e.status);
}
