// The live operator's MQTT connection (the lean pool, one connection): connects, subscribes to
// the reply filters, and reconnects with backoff when the broker closes it (a restart), as the
// end-to-end subscriber does; replies published while it was away are not kept (clean session),
// so their commands count as unanswered.
import type { ConnectionOptions as TlsConnectionOptions } from 'node:tls';
import { realTimers, type Timers } from '../clock/real-clock.js';
import { MqttConnectionPool, PUBLISH_RESULT } from '../transports/mqtt/index.js';
import type { MqttHandler, PublishProperties, QoS } from '../transports/mqtt/index.js';
import { ReconnectBackoff } from './reconnect-backoff.js';

const CONNECT_TIMEOUT_MS = 5_000;
/** QoS 1/2 commands in flight at once (the pool's maximum). */
const MAX_IN_FLIGHT = 64;
const OP = 0;

export type Login = () => { username?: string; password?: string };

export interface LinkEvents {
  /** A PUBLISH on the reply filters. */
  message(payload: Buffer, props: PublishProperties | undefined): void;
  /** A command's PUBACK/PUBCOMP: its window slot is free again. */
  acked(): void;
}

export class OperatorLink implements MqttHandler {
  private readonly pool: MqttConnectionPool;
  private ready: ((ok: boolean) => void) | null = null;
  private url = '';
  private clientId = '';
  private login: Login = () => ({});
  private readonly backoff: ReconnectBackoff;
  private closing = false;
  connected = false;
  subscribed = false;
  everSubscribed = false;
  /** Times the broker closed the connection during the run. */
  drops = 0;

  constructor(
    clock: () => number,
    private readonly filters: readonly string[],
    private readonly v5: boolean,
    private readonly events: LinkEvents,
    hostAddresses: Readonly<Record<string, string>> = {},
    tls?: TlsConnectionOptions,
    private readonly timers: Timers = realTimers,
  ) {
    this.pool = new MqttConnectionPool({
      handler: this,
      clock,
      hostAddresses,
      connectTimeoutMs: CONNECT_TIMEOUT_MS,
      maxInFlight: MAX_IN_FLIGHT,
      ...(tls ? { tls } : {}),
    });
    this.backoff = new ReconnectBackoff(timers);
  }

  /** Connects and subscribes; false when that did not happen within `waitMs` (it keeps trying). */
  start(url: string, clientId: string, login: Login, waitMs = 3_000): Promise<boolean> {
    this.url = url;
    this.clientId = clientId;
    this.login = login;
    return new Promise((resolve) => {
      this.ready = resolve;
      this.timers.setTimeout(() => this.settle(false), waitMs).unref?.();
      this.connect();
    });
  }

  private connect(): void {
    if (this.closing) return;
    this.pool.connect(OP, this.url, {
      ...this.login(),
      clientId: this.clientId,
      clean: true,
      keepaliveSec: 30,
      ...(this.v5 ? { protocolVersion: 5 } : {}),
    });
  }

  private settle(ok: boolean): void {
    this.ready?.(ok);
    this.ready = null;
  }

  /** False when not connected or the in-flight window is full (the caller tries again later). */
  publish(topic: string, payload: Buffer, qos: QoS, intendedUs: number, props?: PublishProperties): boolean {
    return this.pool.publish(OP, topic, payload, qos, 0, intendedUs, false, props) === PUBLISH_RESULT.sent;
  }

  onConnack(_id: number, ok: boolean): void {
    if (!ok) return this.settle(false); // refused: onClose follows and retries
    this.connected = true;
    this.pool.subscribe(OP, this.filters, 1, -1);
  }

  onSubAck(_id: number, _token: number, granted: number): void {
    this.subscribed = granted >= 0 && granted < 0x80;
    if (this.subscribed) {
      this.everSubscribed = true;
      this.backoff.reset(OP);
    }
    this.settle(this.subscribed);
  }

  onPublishAck(): void {
    this.events.acked();
  }

  onMessage(_id: number, _topic: string, payload: Buffer, _qos: QoS, props?: PublishProperties): void {
    this.events.message(payload, props);
  }

  onClose(): void {
    if (this.closing) return;
    if (this.connected) this.drops++;
    this.connected = false;
    this.subscribed = false;
    this.backoff.schedule(OP, () => this.connect());
  }

  /** Why commands or replies may be missing, for the report's warnings. */
  warnings(): string[] {
    if (!this.everSubscribed)
      return [
        this.connected
          ? 'the operator could not subscribe to the command reply topics: replies were not counted'
          : 'the operator could not connect: no operator command was sent',
      ];
    if (this.drops === 0) return [];
    const times = this.drops === 1 ? 'once' : `${this.drops} times`;
    return [
      `the operator's connection was closed ${times} during the run: commands due meanwhile waited, and replies sent while it was away count as unanswered`,
    ];
  }

  close(): void {
    this.closing = true;
    this.backoff.cancel();
    this.pool.close();
  }
}
