// The independent subscriber: one extra MQTT connection per broker URL, subscribed at QoS 1 to
// that broker's telemetry wildcard. Each delivery's payload carries the intended send time (real µs on
// the same monotonic clock), so device → subscriber latency needs no clock sync.
// It keeps a persistent session (clean: false, one client id per run) and reconnects with
// backoff when the broker closes it (a restart): what the broker kept for the session arrives
// after the reconnect; the time it was away is a gap the report states.
import type { ConnectionOptions as TlsConnectionOptions } from 'node:tls';
import { realTimers, type Timers } from '../clock/real-clock.js';
import { C, H } from '../metrics/catalog.js';
import type { Recorder } from '../metrics/recorder.js';
import { MqttConnectionPool } from '../transports/mqtt/index.js';
import type { MqttHandler, PublishProperties, QoS } from '../transports/mqtt/index.js';
import type { DeliverySequence } from './delivery-sequence.js';
import { INTENDED_BYTES } from './mqtt-side.js';
import { ReconnectBackoff } from './reconnect-backoff.js';

/** The subscriber's own connect timeout: a silent broker must not hold the run's start. */
const CONNECT_TIMEOUT_MS = 5_000;
/** MQTT 5: how long the broker keeps the subscriber's session while it is away. */
const SESSION_EXPIRY_SEC = 3_600;
/** CONNACK refusals of the protocol version: MQTT 5 reason 0x84, MQTT 3.1.1 return code 1. */
const UNSUPPORTED_V5 = 0x84;
const UNACCEPTABLE_V311 = 1;

const NEVER =
  'the end-to-end subscriber could not subscribe: mqtt_delivered_total and mqtt_e2e_delivery_duration_us are missing';

function sec(us: number): string {
  return `${(us / 1e6).toFixed(1)} s`;
}

type Login = (broker: number) => { username?: string; password?: string };

/** A time the subscriber of one broker was not subscribed (real µs on the run's clock). */
export interface SubscriberGap {
  broker: number;
  fromUs: number;
  /** null while still away at the end of the run. */
  toUs: number | null;
}

export class E2eSubscriber implements MqttHandler {
  private readonly pool: MqttConnectionPool;
  private pending = 0;
  private settle: ((ok: boolean) => void) | null = null;
  private urls: readonly string[] = [];
  private clientPrefix = '';
  private login: Login = () => ({});
  private closing = false;
  private readonly backoff: ReconnectBackoff;
  private readonly subscribed = new Set<number>();
  readonly gaps: SubscriberGap[] = [];
  delivered = 0;
  /** `connectivity.will` topic filters (placeholders → `+`), watched next to the telemetry. */
  private willFilters: readonly string[] = [];
  private willMatch: RegExp | null = null;
  /** Birth payloads on the will topics (a shared status topic): not wills. */
  private birthsOnWillTopics: RegExp | null = null;
  private telemetryFilters: readonly string[] = [];
  private telemetryMatch: RegExp | null = null;
  private sequence: DeliverySequence | null = null;
  private mqtt5 = false;
  wills = 0;

  constructor(
    private readonly rec: Recorder,
    private readonly clock: () => number,
    /** Broker i's filter is `${topicPrefix}/${i}/#`. */
    private readonly topicPrefix: string,
    /** `--resolve`: host name → address (the subscriber reaches the broker as the devices do). */
    hostAddresses: Readonly<Record<string, string>> = {},
    /** `target.tls`: the subscriber trusts the same CA (and shows the fleet certificate, if any). */
    tls?: TlsConnectionOptions,
    private readonly timers: Timers = realTimers,
  ) {
    this.pool = new MqttConnectionPool({
      handler: this,
      clock,
      hostAddresses,
      connectTimeoutMs: CONNECT_TIMEOUT_MS,
      ...(tls ? { tls } : {}),
    });
    this.backoff = new ReconnectBackoff(timers);
  }

  /**
   * Connects to every broker and subscribes; resolves false if any subscription failed or did
   * not complete within `waitMs` (it keeps trying: a late subscription shows as a gap).
   */
  start(
    urls: readonly string[],
    clientPrefix: string,
    login: Login = () => ({}),
    waitMs = 2_000,
  ): Promise<boolean> {
    this.urls = urls;
    this.clientPrefix = clientPrefix;
    this.login = login;
    const startUs = this.clock();
    urls.forEach((_, i) => this.gaps.push({ broker: i, fromUs: startUs, toUs: null }));
    return new Promise((resolve) => {
      this.pending = urls.length;
      this.settle = resolve;
      const give = this.timers.setTimeout(() => this.done(false), waitMs);
      give.unref?.();
      urls.forEach((_, i) => this.connect(i));
    });
  }

  /**
   * Reads templated telemetry's measurement fields with `tracker` (also on fleetstorm's own
   * topics); `mqtt5`: they travel as user properties, so the subscriber connects with MQTT 5
   * (a session expiry keeps its session across a reconnect [MQTT-3.1.2-23]). Before start().
   */
  measureWith(tracker: DeliverySequence, mqtt5: boolean): void {
    this.sequence = tracker;
    this.mqtt5 = mqtt5;
  }

  /** Counts the templated telemetry of every shard of the run (shard 0's subscriber). */
  get countsEveryShard(): boolean {
    return this.telemetryFilters.length > 0;
  }

  /** Templated telemetry topics (placeholders as `+`): counted by `seq`, subscribed on broker 0. */
  watchTelemetry(filters: readonly string[], tracker: DeliverySequence): void {
    this.telemetryFilters = filters;
    this.telemetryMatch = filters.length === 0 ? null : filterRegExp(filters);
    this.sequence = tracker;
  }

  /** Also counts the wills published on these filters (`mqtt_wills_received_total`); before start(). */
  watchWills(filters: readonly string[], births: RegExp | null = null): void {
    this.willFilters = filters;
    this.willMatch = filters.length === 0 ? null : filterRegExp(filters);
    this.birthsOnWillTopics = births;
  }

  private connect(i: number): void {
    if (this.closing) return;
    this.pool.connect(i, this.urls[i] as string, {
      ...this.login(i),
      clientId: `${this.clientPrefix}-sub${i}`,
      clean: false, // the broker keeps the subscription and queued messages across a reconnect
      keepaliveSec: 30,
      ...(this.mqtt5 ? { protocolVersion: 5, sessionExpirySec: SESSION_EXPIRY_SEC } : {}),
    });
  }

  private done(ok: boolean): void {
    if (!this.settle) return;
    if (!ok || --this.pending === 0) {
      this.settle(ok);
      this.settle = null;
    }
  }

  onConnack(id: number, ok: boolean, reasonCode: number): void {
    if (!ok && this.mqtt5 && (reasonCode === UNSUPPORTED_V5 || reasonCode === UNACCEPTABLE_V311)) {
      this.mqtt5 = false; // a 3.1.1 broker: the reconnect speaks 3.1.1 (MQTT 5 devices fail there anyway)
      return;
    }
    if (!ok) return this.done(false);
    this.pool.subscribe(id, `${this.topicPrefix}/${id}/#`, 1, id);
    // One subscriber (broker 0) counts wills, so a cluster's wills are counted once.
    if (id === 0 && this.willFilters.length > 0) this.pool.subscribe(id, [...this.willFilters], 1, -1);
    // Templated topics need not name the broker: broker 0 alone counts them, each once.
    if (id === 0 && this.telemetryFilters.length > 0)
      this.pool.subscribe(id, [...this.telemetryFilters], 1, -1);
  }

  onSubAck(id: number, token: number, granted: number): void {
    if (token === -1) return; // the will and templated telemetry filters: a refusal leaves mqtt_wills_received_total at 0
    const ok = granted >= 0 && granted < 0x80;
    if (ok) {
      this.subscribed.add(id);
      this.backoff.reset(id);
      const gap = this.openGap(id);
      if (gap) gap.toUs = this.clock();
    }
    this.done(ok);
  }

  onPublishAck(): void {}

  onMessage(_id: number, topic: string, payload: Buffer, _qos: QoS, props?: PublishProperties): void {
    if (this.willMatch?.test(topic)) {
      if (this.birthsOnWillTopics?.test(payload.toString('utf8'))) return; // a birth, not a will
      this.wills++;
      this.rec.add(C.mqtt_wills_received_total);
      return;
    }
    const seq = this.sequence;
    if (seq) {
      // Templated topics, or fleetstorm's own topic when the publish carries the measurement
      // fields (user properties, or the template's payload fields) instead of the filler.
      const own = topic.startsWith(this.topicPrefix);
      if (own ? seq.carriesMarkers(payload, props) : this.telemetryMatch?.test(topic)) {
        this.delivered++;
        return seq.onDelivery(topic, payload, this.clock(), props);
      }
    }
    if (payload.length < INTENDED_BYTES) return;
    this.delivered++;
    this.rec.add(C.mqtt_delivered_total);
    this.rec.record(H.mqtt_e2e_delivery_duration_us, this.clock() - payload.readDoubleLE(0));
  }

  onClose(id: number): void {
    if (this.closing) return;
    if (this.subscribed.delete(id)) this.gaps.push({ broker: id, fromUs: this.clock(), toUs: null });
    this.backoff.schedule(id, () => this.connect(id));
  }

  private openGap(broker: number): SubscriberGap | undefined {
    for (let k = this.gaps.length - 1; k >= 0; k--) {
      const g = this.gaps[k] as SubscriberGap;
      if (g.broker === broker && g.toUs === null) return g;
    }
    return undefined;
  }

  /**
   * What the report says about the subscriber: never subscribed (deliveries missing), late,
   * or away for a while (a broker restart) and back with its session.
   */
  /** Why it never subscribed, when TLS said so (e.g. a broker that wants a client certificate). */
  private tlsHint(): string {
    const codes = Object.keys(this.pool.stats().tlsErrors);
    if (codes.length === 0) return '';
    return ` (its TLS handshake failed: ${codes.join(', ')}; a broker that requires client certificates needs target.tls.cert and key for it)`;
  }

  warnings(subscribedAtStart: boolean): string[] {
    const out: string[] = [];
    const seen = new Set<number>();
    const away = new Map<number, { times: number; us: number; open: boolean }>();
    const endUs = this.clock();
    for (const g of this.gaps) {
      const first = !seen.has(g.broker);
      seen.add(g.broker);
      if (first) {
        if (g.toUs === null) out.push(NEVER + this.tlsHint());
        else if (!subscribedAtStart)
          out.push(
            `the end-to-end subscriber of broker ${g.broker} subscribed ${sec(g.toUs - g.fromUs)} after the start: deliveries before it are missing`,
          );
        continue;
      }
      const a = away.get(g.broker) ?? { times: 0, us: 0, open: false };
      a.times++;
      a.us += (g.toUs ?? endUs) - g.fromUs;
      a.open ||= g.toUs === null;
      away.set(g.broker, a);
    }
    for (const [broker, a] of away) {
      const end = a.open ? ', and was still away at the end' : '';
      out.push(
        `the end-to-end subscriber lost broker ${broker} ${a.times} time${a.times === 1 ? '' : 's'}, away ${sec(a.us)} in all${end}: it reconnected with its persistent session, so only what the broker did not keep is missing from mqtt_delivered_total`,
      );
    }
    return [...new Set(out)];
  }

  close(): void {
    this.closing = true;
    this.backoff.cancel();
    this.pool.close();
  }
}

/** MQTT topic filters (`+`, `#`) as one anchored regular expression. */
function filterRegExp(filters: readonly string[]): RegExp {
  const one = (f: string): string =>
    f
      .split('/')
      .map((l) => (l === '+' ? '[^/]*' : l === '#' ? '.*' : l.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
      .join('/');
  return new RegExp(`^(?:${filters.map(one).join('|')})$`);
}
