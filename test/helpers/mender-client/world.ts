// The server side of the real-client cross-check: the embedded backend with the routes the
// registry's Mender module mounts, on the embedded backend's own CampaignDesk (waves, abort), a
// route serving the artifact's bytes, and per device a recording proxy in front of it, so each
// real client's exchanges are seen as they crossed the wire.
import { createHash } from 'node:crypto';
import { expect, vi } from 'vitest';
import { CampaignDesk } from '../../../src/backend/deployment-desk.js';
import { startEmbeddedBackend } from '../../../src/backend/embedded.js';
import type { EmbeddedBackend } from '../../../src/backend/types.js';
import { wallClockMs } from '../../../src/clock/real-clock.js';
import { MenderServer } from '../../../src/ota-protocols/mender/server.js';
import { protocolOf } from '../../../src/ota-protocols/registry.js';
import type { DeskDeviceState } from '../../../src/ota-protocols/types.js';
import {
  startRecordingProxy,
  type Exchange,
  type RecordingProxy,
} from '../../integration/ota-protocols/mender/recording-proxy.js';
import type { MadeArtifact } from './artifact.js';
import { artifactShelf } from './artifact-route.js';
import { startMenderDevice, type MenderDevice, type MenderDeviceOptions } from './device.js';

/** Registers a cleanup (run after the test, last registered first). */
export type Defer = (fn: () => Promise<void>) => void;

export interface ServerSide {
  desk: WatchedDesk;
  backend: EmbeddedBackend;
}

export interface Attached {
  proxy: RecordingProxy;
  device: MenderDevice;
}

/**
 * The embedded backend's CampaignDesk, keeping the order of what happened across devices
 * (`offer <id>` at a device's first offer, `<id> <state>` per report) and aborting the whole
 * deployment when a device reports `abortAt`.
 */
export class WatchedDesk extends CampaignDesk {
  abortAt: DeskDeviceState | null = null;
  readonly events: string[] = [];

  override next(dev: { id: string; deviceType: string; version: string }) {
    const dep = super.next(dev);
    if (dep !== null && !this.events.includes(`offer ${dev.id}`)) this.events.push(`offer ${dev.id}`);
    return dep;
  }

  override report(deviceId: string, deploymentId: string, state: DeskDeviceState, detail?: string) {
    this.events.push(`${deviceId} ${state}`);
    if (state === this.abortAt) this.abort('aborted by the test');
    return super.report(deviceId, deploymentId, state, detail);
  }
}

/**
 * The embedded backend offering `artifact` to the devices in `waves` (device ids per wave; a
 * wave starts when the one before is all done).
 */
export async function startServerSide(
  defer: Defer,
  o: {
    artifact: MadeArtifact;
    waves: string[][];
    abortAt?: DeskDeviceState;
    /** Device tokens' lifetime: set, the server is built with it instead of the module's default. */
    tokenTtlMs?: number;
  },
): Promise<ServerSide> {
  const shelf = artifactShelf();
  const desk = new WatchedDesk({
    deployment: {
      id: `rollout-${o.artifact.name}`,
      version: o.artifact.name,
      sizeBytes: o.artifact.bytes.length,
      sha256: createHash('sha256').update(o.artifact.bytes).digest('hex'),
      path: shelf.put(o.artifact.name, o.artifact.bytes),
    },
    waveOf: (dev) => {
      const wave = o.waves.findIndex((ids) => ids.includes(dev.id));
      return wave < 0 ? null : wave;
    },
    campaign: {
      startUs: 0,
      targetedPerWave: o.waves.map((ids) => ids.length),
      waveIntervalUs: null,
      waveWhenDoneRatio: 1,
      failureLimit: null,
      minSample: 1,
    },
    nowUs: () => 0,
  });
  desk.abortAt = o.abortAt ?? null;
  // the routes the embedded backend mounts for `ota.protocol: mender`
  const mender =
    o.tokenTtlMs === undefined
      ? (protocolOf('mender', 'test').routes?.({ desk, nowMs: wallClockMs }) ?? [])
      : new MenderServer({ desk, wallMs: wallClockMs, tokenTtlMs: o.tokenTtlMs }).routes();
  const backend = await startEmbeddedBackend({ routes: [...mender, shelf.route] });
  defer(() => backend.close());
  return { desk, backend };
}

/** A real client behind its own recording proxy. */
export async function attachDevice(
  defer: Defer,
  server: ServerSide,
  o: Omit<MenderDeviceOptions, 'serverUrl'>,
): Promise<Attached> {
  const proxy = await startRecordingProxy(server.backend.httpUrl);
  defer(() => proxy.close());
  const device = await startMenderDevice({ ...o, serverUrl: proxy.url });
  defer(() => device.stop());
  return { proxy, device };
}

/** Waits (bounded) for `done`; on timeout the error carries the exchanges and the client's log. */
export async function until(a: Attached, what: string, done: () => boolean): Promise<void> {
  try {
    await vi.waitFor(() => expect(done(), what).toBe(true), { timeout: 45_000, interval: 200 });
  } catch (err) {
    const tail = (await a.device.log()).split('\n').filter((l) => !l.includes('level=debug'));
    const seen = a.proxy.exchanges.slice(0, 40).map((x) => `${x.method} ${x.url} → ${x.status}`);
    throw new Error(
      `${String(err)}\nexchanges:\n${seen.join('\n')}\nmender-client log (last lines):\n${tail.slice(-25).join('\n')}`,
    );
  }
}

const STATUS_PATH = /^\/api\/devices\/v1\/deployments\/device\/deployments\/([^/]+)\/status$/;

/** The statuses the server was sent, in order, with its answers. */
export function statusesSeen(proxy: RecordingProxy): { status: string; answer: number }[] {
  return proxy.exchanges
    .filter((x) => x.method === 'PUT' && STATUS_PATH.test(x.url))
    .map((x) => ({
      status: (JSON.parse(x.body.toString('utf8')) as { status: string }).status,
      answer: x.status,
    }));
}

export const api = (proxy: RecordingProxy, method: string, prefix: string): Exchange[] =>
  proxy.exchanges.filter((x) => x.method === method && x.url.startsWith(prefix));

export const logUploads = (proxy: RecordingProxy): Exchange[] =>
  api(proxy, 'PUT', '/api/devices/v1/deployments/device/deployments/').filter((x) => x.url.endsWith('/log'));

export const terminal = (proxy: RecordingProxy): boolean =>
  statusesSeen(proxy).some((s) => ['success', 'failure', 'already-installed'].includes(s.status));

/** The attributes of the last inventory upload the server accepted. */
export function inventoryOf(proxy: RecordingProxy): Record<string, unknown> {
  const last = api(proxy, 'PUT', '/api/devices/v1/inventory/device/attributes')
    .filter((x) => x.status === 200)
    .at(-1);
  if (last === undefined) return {};
  const list = JSON.parse(last.body.toString('utf8')) as { name: string; value: unknown }[];
  return Object.fromEntries(list.map((a) => [a.name, a.value]));
}
