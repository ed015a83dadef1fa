// The jobs client's DeviceInbox: per-device session state (subscribed or not, the job in hand,
// a cancellation heard on notify-next), the replies handed to their waiting requests, and the
// shadow's reported firmware (sent now, or at the next CONNACK when the device is offline).
import type { DeviceInbox } from '../../live/mqtt-side.js';
import type { QoS } from '../../transports/mqtt/index.js';
import type { OtaEndpoint, OtaObserve } from '../types.js';
import { parseObject } from './messages.js';
import type { PendingReplies, Reply } from './pending.js';
import { deviceFilters, jobsTopic, parseJobsTopic } from './topics.js';

/** The MQTT session of the fleet as the jobs client uses it (LiveMqtt provides both). */
export interface JobsMqttLink {
  deviceSubscribe(id: number, filters: readonly string[], qos: QoS, token: number): boolean;
  devicePublish(id: number, topic: string, payload: Buffer, qos: QoS, token?: number): boolean;
}

/**
 * The jobs client's subscribe and publish token: at or below LiveMqtt's INBOX_TOKEN_BASE (−16),
 * so acks are not telemetry's, and apart from other inboxes' tokens.
 */
export const JOBS_INBOX_TOKEN = -0x4a0b;

type SubResult = 'ok' | 'subscribe_refused' | 'link_lost';

export interface DeviceJobState {
  thing: string;
  sub: 'none' | 'pending' | 'ok';
  subWaiters: ((r: SubResult) => void)[];
  /** The job being worked on; `versionNumber` is RAM only (null after a power loss). */
  job: { jobId: string; versionNumber: number | null; finishing: boolean } | null;
  /** A job the server ended (heard on notify-next), until the agent is told. */
  cancelled: string | null;
  /** What to put in the shadow's reported state at the next CONNACK. */
  shadowReported: Record<string, string> | null;
  /** The device's last update (reports wait for it: one in flight at a time). */
  updates: Promise<unknown>;
}

export interface JobsInboxOptions {
  link: JobsMqttLink;
  pending: PendingReplies;
  qos: QoS;
  thingOf?: (conn: number) => string | undefined;
  wake?: (conn: number) => void;
  /** Each request sent, with its reply or none: the per-endpoint breakdown. */
  observe?: OtaObserve;
  /** Real monotonic µs, for the requests' latency. */
  clockUs?: () => number;
}

export class JobsDeviceInbox implements DeviceInbox {
  readonly token = JOBS_INBOX_TOKEN;
  readonly counters = {
    subscribe: 0,
    subscribeRefused: 0,
    startNext: 0,
    update: 0,
    shadowUpdate: 0,
    accepted: 0,
    rejected: 0,
    notifyNext: 0,
    strayReplies: 0,
  };
  private readonly states = new Map<number, DeviceJobState>();

  private readonly link: JobsMqttLink;
  private readonly pending: PendingReplies;
  private readonly qos: QoS;

  constructor(private readonly o: JobsInboxOptions) {
    this.link = o.link;
    this.pending = o.pending;
    this.qos = o.qos;
  }

  /** The state of connection `conn`, created on first use; `thing` defaults to the device's id. */
  state(conn: number, id: string): DeviceJobState {
    const thing = this.o.thingOf?.(conn) ?? id;
    let st = this.states.get(conn);
    if (!st) {
      st = {
        thing,
        sub: 'none',
        subWaiters: [],
        job: null,
        cancelled: null,
        shadowReported: null,
        updates: Promise.resolve(),
      };
      this.states.set(conn, st);
    } else if (st.thing !== thing) {
      st.thing = thing;
      st.sub = 'none';
    }
    return st;
  }

  connected(conn: number, sessionPresent: boolean): void {
    const thing = this.o.thingOf?.(conn);
    const st = this.states.get(conn) ?? (thing === undefined ? undefined : this.state(conn, thing));
    if (!st) return; // thing name not known yet: the first check subscribes
    if (!sessionPresent || st.sub !== 'ok') {
      // A new session: requests of the old one get no reply, its subscriptions are gone.
      this.pending.dropDevice(conn, 'link_lost');
      this.endSubscribe(st, 'link_lost');
      void this.ensureSubscribed(conn, st);
    }
    if (st.shadowReported !== null) void this.reportShadow(conn, st, st.shadowReported);
  }

  /** Subscribes the device's jobs topics once per session; resolves at the SUBACK. */
  ensureSubscribed(conn: number, st: DeviceJobState): Promise<SubResult> {
    if (st.sub === 'ok') return Promise.resolve('ok');
    const waited = new Promise<SubResult>((resolve) => st.subWaiters.push(resolve));
    if (st.sub === 'none') {
      this.counters.subscribe++;
      if (!this.link.deviceSubscribe(conn, deviceFilters(st.thing), this.qos, this.token)) {
        this.endSubscribe(st, 'link_lost');
      } else st.sub = 'pending';
    }
    return waited;
  }

  subscribed(conn: number, token: number, granted: number): void {
    if (token !== this.token) return;
    const st = this.states.get(conn);
    if (!st || st.sub !== 'pending') return;
    const ok = granted >= 0 && granted < 0x80;
    if (!ok && granted >= 0x80) this.counters.subscribeRefused++;
    if (ok) st.sub = 'ok';
    this.endSubscribe(st, ok ? 'ok' : granted < 0 ? 'link_lost' : 'subscribe_refused');
  }

  private endSubscribe(st: DeviceJobState, r: SubResult): void {
    if (r !== 'ok') st.sub = 'none';
    const waiters = st.subWaiters;
    st.subWaiters = [];
    for (const w of waiters) w(r);
  }

  message(conn: number, topic: string, payload: Buffer): boolean {
    const t = parseJobsTopic(topic);
    const st = this.states.get(conn);
    if (!t || !st) return false; // not a jobs topic, or a device of another client
    // [jobs-mqtt-api] act only on messages whose topic names this client's own thing
    if (st.thing !== t.thing) return true;
    const body = parseObject(payload);
    if (t.kind === 'notify-next') {
      this.counters.notifyNext++;
      this.notified(conn, st, body);
      return true;
    }
    if (t.reply === null || !body) return true;
    this.counters[t.reply]++;
    const token = body.clientToken;
    if (typeof token !== 'string' || !this.pending.settle(conn, token, { kind: t.reply, body }))
      this.counters.strayReplies++;
    return true;
  }

  /** notify-next: a new job to start, or the job in hand is no longer next (ended by the server). */
  private notified(conn: number, st: DeviceJobState, body: Record<string, unknown> | null): void {
    const exec = body?.execution as Record<string, unknown> | undefined;
    const jobId = typeof exec?.jobId === 'string' ? exec.jobId : null;
    const job = st.job;
    if (job && !job.finishing && (jobId !== job.jobId || exec?.status === 'CANCELED')) {
      st.cancelled = job.jobId;
      st.job = null;
      this.o.wake?.(conn);
    } else if (!job && jobId !== null) this.o.wake?.(conn);
  }

  /** Sends a request with a fresh clientToken; resolves with its reply (or why there is none). */
  async request(
    conn: number,
    st: DeviceJobState,
    topic: string,
    body: object,
    endpoint: OtaEndpoint,
  ): Promise<Reply> {
    const sub = await this.ensureSubscribed(conn, st);
    if (sub !== 'ok') return { kind: sub }; // nothing was sent
    const startedUs = this.o.clockUs?.() ?? 0;
    const token = this.pending.token(conn);
    const replied = this.pending.wait(conn, token);
    const payload = Buffer.from(JSON.stringify({ ...body, clientToken: token }));
    if (!this.link.devicePublish(conn, topic, payload, this.qos, this.token)) {
      this.pending.settle(conn, token, { kind: 'link_lost' });
      return replied;
    }
    const reply = await replied;
    this.o.observe?.(endpoint, reply.kind === 'accepted', (this.o.clockUs?.() ?? 0) - startedUs);
    return reply;
  }

  /** Updates the shadow's reported state (kept for the next CONNACK when it cannot be sent now). */
  async reportShadow(conn: number, st: DeviceJobState, reported: Record<string, string>): Promise<boolean> {
    st.shadowReported = reported;
    this.counters.shadowUpdate++;
    const reply = await this.request(
      conn,
      st,
      jobsTopic.shadowUpdate(st.thing),
      { state: { reported } },
      'inventory',
    );
    const answered = reply.kind === 'accepted' || reply.kind === 'rejected';
    if (answered && st.shadowReported === reported) st.shadowReported = null;
    return reply.kind === 'accepted';
  }

  /** Power loss: RAM is gone (replies awaited, the execution's version, a heard cancellation). */
  powerLost(conn: number, st: DeviceJobState): void {
    this.pending.dropDevice(conn, 'power_lost');
    this.endSubscribe(st, 'link_lost');
    if (st.job) st.job = { jobId: st.job.jobId, versionNumber: null, finishing: false };
    st.cancelled = null;
  }
}
