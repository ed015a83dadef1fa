// startEmbeddedBackend: the default live-mode target, on loopback. It stands in for the system
// under test, so it imports nothing of ours but errors and — for its default timers — clock
// (recorded in docs: the lint rule keeps timers in src/clock, and a backend under test must
// accept fake timers; importing the clock port is the lesser coupling).
import { monotonicMs, realTimers } from '../clock/real-clock.js';
import { ConnectLimit } from './connect-limit.js';
import { ToolError } from '../errors/tool-error.js';
import { MAX_IMAGE_BYTES } from './firmware-image.js';
import { FaultState } from './fault-state.js';
import { startHttpApi } from './http-api.js';
import { provisionRoute } from './provision-route.js';
import { startBroker } from './mqtt-broker.js';
import type { BackendStats, EmbeddedBackend, EmbeddedBackendOptions } from './types.js';

/** The embedded backend generates and hashes its images: refuse one it cannot in seconds. */
function checkImageSize(sizeBytes: number): void {
  if (sizeBytes <= MAX_IMAGE_BYTES) return;
  throw new ToolError('FLEETSTORM_ERR_SCENARIO_INVALID', 'firmware too large for the embedded backend', {
    where: 'rollout.firmware.size',
    got: `${sizeBytes} bytes`,
    fix: `at most ${MAX_IMAGE_BYTES / 1024 ** 3}GiB against the embedded backend; larger images need a backend of your own (target.mqtt + target.http) or virtual mode`,
  });
}

export async function startEmbeddedBackend(opts: EmbeddedBackendOptions = {}): Promise<EmbeddedBackend> {
  const host = opts.host ?? '127.0.0.1';
  for (const f of opts.firmware ?? []) checkImageSize(f.sizeBytes);
  const faults = new FaultState(opts.timers ?? realTimers, opts.slowUnitMs ?? 20);
  const images = new Map<string, number>((opts.firmware ?? []).map((f) => [f.version, f.sizeBytes]));
  let broker;
  try {
    const limit =
      opts.connectLimit === undefined
        ? null
        : new ConnectLimit(opts.connectLimit, opts.timers ?? realTimers, monotonicMs);
    broker = await startBroker(host, opts.mqttPort ?? 0, faults, opts.brokerServices ?? [], limit);
  } catch (err) {
    faults.dispose();
    throw err;
  }
  let http;
  try {
    http = await startHttpApi(host, opts.httpPort ?? 0, faults, {
      offerFor: opts.offerFor,
      onStatus: opts.onStatus,
      images,
      routes: [...(opts.routes ?? []), provisionRoute()],
    });
  } catch (err) {
    faults.dispose();
    await broker.close();
    throw err;
  }
  const api = http;
  const urlHost = host.includes(':') ? `[${host}]` : host;
  return {
    mqttUrl: `mqtt://${urlHost}:${broker.port}`,
    httpUrl: `http://${urlHost}:${api.port}`,
    mqttPort: broker.port,
    httpPort: api.port,
    faults,
    stats: (): BackendStats => ({
      mqtt: { sessions: broker.sessions(), ...broker.counters, endpoints: broker.endpoints() },
      http: { ...api.counters, endpoints: api.endpoints.snapshot() },
      outage: faults.outageActive,
      slowFactor: faults.slowFactor,
      rejecting: faults.rejecting,
    }),
    close: async () => {
      faults.dispose();
      await Promise.all([broker.close(), api.close()]);
    },
  };
}
