// The broker shapes of the calibration benchmark, each started as `count` independent brokers on
// loopback (one process holds fewer than 20,000 sockets here): mosquitto, RabbitMQ's MQTT plugin
// (independent nodes: Erlang has the same open-file limit), mosquitto behind the fault proxy's
// latency and bandwidth shaping, and mosquitto behind its connection-rate limit (a broker that
// caps its accept rate, below what this machine's generator drives: the backend, not the
// generator, is the storm's bottleneck).
import { startMosquitto } from './mosquitto.js';
import { rabbitInstalled, startRabbit } from './rabbitmq.js';
import { startShapedMosquitto, type Shaping } from './shaped-proxy.js';

export const SHAPES = ['mosquitto', 'rabbitmq', 'shaped', 'throttled'] as const;
export type ShapeName = (typeof SHAPES)[number];

/** Shaping of the third shape: 5 ms each way, 16 KiB/s per connection and direction. */
export const SHAPING: Shaping = { latencyMs: 5, bytesPerSec: 16 * 1024 };

/** The fourth shape: 150 new connections/s per broker, 10 at once; no latency or bandwidth limit. */
export const THROTTLE: Shaping = { latencyMs: 0, bytesPerSec: 0, connectsPerSec: 150, burst: 10 };

/** Device sockets one broker of the shape takes in the live run. */
export const DEVICES_PER_BROKER: Record<ShapeName, number> = {
  // mosquitto's accept queue is fixed at 100: in the storm after the outage three brokers' queues
  // overflowed on these shared cores (4,619 of 46,083 devices never back at 52,000 devices),
  // six held every device (BENCHMARKS.md)
  mosquitto: 9_000,
  rabbitmq: 15_000,
  // the shaping proxy holds two descriptors per connection
  shaped: 9_000,
  throttled: 9_000,
};

export interface Brokers {
  urls: string[];
  stop(): Promise<void>;
}

export function brokerCount(shape: ShapeName, devices: number): number {
  return Math.max(1, Math.ceil(devices / DEVICES_PER_BROKER[shape]));
}

export function shapeAvailable(shape: ShapeName): boolean {
  return shape !== 'rabbitmq' || rabbitInstalled();
}

export async function startBrokers(
  shape: ShapeName,
  count: number,
  /** The throttled shape's connects/s per broker (default THROTTLE's). */
  connectsPerSec = THROTTLE.connectsPerSec,
): Promise<Brokers> {
  const started: { url: string; stop(): Promise<void> }[] = [];
  try {
    for (let i = 0; i < count; i++) {
      if (shape === 'mosquitto') started.push(await startMosquitto());
      else if (shape === 'rabbitmq') started.push(await startRabbit());
      else
        started.push(
          await startShapedMosquitto(shape === 'shaped' ? SHAPING : { ...THROTTLE, connectsPerSec }),
        );
    }
  } catch (e) {
    await Promise.all(started.map((b) => b.stop()));
    throw e;
  }
  return {
    urls: started.map((b) => b.url),
    stop: async () => void (await Promise.all(started.map((b) => b.stop()))),
  };
}
