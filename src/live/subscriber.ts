// The independent subscriber: one extra MQTT connection per broker URL, subscribed at QoS 1 to
// that broker's telemetry wildcard. Each delivery's payload carries the intended send time (real µs on
// the same monotonic clock), so device → subscriber latency needs no clock sync.
import type { ConnectionOptions as TlsConnectionOptions } from 'node:tls';
import { C, H } from '../metrics/catalog.js';
import type { Recorder } from '../metrics/recorder.js';
import { MqttConnectionPool } from '../transports/mqtt/index.js';
import type { MqttHandler } from '../transports/mqtt/index.js';
import { INTENDED_BYTES } from './mqtt-side.js';

export class E2eSubscriber implements MqttHandler {
  private readonly pool: MqttConnectionPool;
  private pending = 0;
  private settle: ((ok: boolean) => void) | null = null;
  delivered = 0;

  constructor(
    private readonly rec: Recorder,
    private readonly clock: () => number,
    /** Broker i's filter is `${topicPrefix}/${i}/#`. */
    private readonly topicPrefix: string,
    /** `--resolve`: host name → address (the subscriber reaches the broker as the devices do). */
    hostAddresses: Readonly<Record<string, string>> = {},
    /** `target.tls`: the subscriber trusts the same CA (and shows the fleet certificate, if any). */
    tls?: TlsConnectionOptions,
  ) {
    this.pool = new MqttConnectionPool({ handler: this, clock, hostAddresses, ...(tls ? { tls } : {}) });
  }

  /** Connects to every broker and subscribes; resolves false if any subscription failed. */
  start(
    urls: readonly string[],
    clientPrefix: string,
    login: (broker: number) => { username?: string; password?: string } = () => ({}),
  ): Promise<boolean> {
    return new Promise((resolve) => {
      this.pending = urls.length;
      this.settle = resolve;
      urls.forEach((url, i) =>
        this.pool.connect(i, url, {
          ...login(i),
          clientId: `${clientPrefix}-sub${i}`,
          clean: true,
          keepaliveSec: 30,
        }),
      );
    });
  }

  private done(ok: boolean): void {
    if (!ok || --this.pending === 0) {
      this.settle?.(ok);
      this.settle = null;
    }
  }

  onConnack(id: number, ok: boolean): void {
    if (!ok) return this.done(false);
    this.pool.subscribe(id, `${this.topicPrefix}/${id}/#`, 1, id);
  }

  onSubAck(_id: number, _token: number, granted: number): void {
    this.done(granted >= 0 && granted < 0x80);
  }

  onPublishAck(): void {}

  onMessage(_id: number, _topic: string, payload: Buffer): void {
    if (payload.length < INTENDED_BYTES) return;
    this.delivered++;
    this.rec.add(C.mqtt_delivered_total);
    this.rec.record(H.mqtt_e2e_delivery_duration_us, this.clock() - payload.readDoubleLE(0));
  }

  onClose(): void {
    if (this.settle) this.done(false);
  }

  close(): void {
    this.pool.close();
  }
}
