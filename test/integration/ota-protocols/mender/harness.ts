// A Mender server for protocol tests: MenderServer's routes and the backend's firmware route on
// a node:http server (port 0), behind a recording proxy, with a small deployment desk: one
// deployment for every device not yet on its version, cancellable per device.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { serveImage, type FirmwareCounters } from '../../../../src/backend/firmware-route.js';
import { MenderServer, type MenderServerOptions } from '../../../../src/ota-protocols/mender/server.js';
import type { DeploymentDesk, DeskDeployment, DeskDeviceState } from '../../../../src/ota-protocols/types.js';
import { startRecordingProxy, type RecordingProxy } from './recording-proxy.js';

export class OneDeploymentDesk implements DeploymentDesk {
  readonly reports: { deviceId: string; deploymentId: string; state: DeskDeviceState; detail?: string }[] =
    [];
  readonly aborted = new Set<string>();
  private readonly byDevice = new Map<string, DeskDeviceState>();
  /** Offer the deployment to devices already on its version (a server that does not check). */
  offerInstalled = false;

  constructor(readonly deployment: DeskDeployment) {}

  next(dev: { id: string; version: string }): DeskDeployment | null {
    if ((dev.version === this.deployment.version && !this.offerInstalled) || this.aborted.has(dev.id))
      return null;
    const state = this.byDevice.get(dev.id);
    if (state === 'success' || state === 'failure' || state === 'already-installed') return null;
    if (state === undefined) this.byDevice.set(dev.id, 'pending');
    return this.deployment;
  }

  report(
    deviceId: string,
    deploymentId: string,
    state: DeskDeviceState,
    detail?: string,
  ): 'ok' | 'aborted' | 'unknown' {
    if (deploymentId !== this.deployment.id || !this.byDevice.has(deviceId)) return 'unknown';
    if (this.aborted.has(deviceId)) return 'aborted';
    this.reports.push({ deviceId, deploymentId, state, ...(detail === undefined ? {} : { detail }) });
    this.byDevice.set(deviceId, state);
    return 'ok';
  }

  cancelled(deviceId: string): boolean {
    return this.aborted.has(deviceId);
  }

  abort(deviceId: string): void {
    this.aborted.add(deviceId);
    this.byDevice.set(deviceId, 'aborted');
  }

  states(): Record<string, Record<DeskDeviceState, number>> {
    const counts = {
      pending: 0,
      downloading: 0,
      downloaded: 0,
      installing: 0,
      rebooting: 0,
      success: 0,
      failure: 0,
      'already-installed': 0,
      aborted: 0,
    };
    for (const s of this.byDevice.values()) counts[s]++;
    return { [this.deployment.id]: counts };
  }

  statesOf(deviceId: string): DeskDeviceState[] {
    return this.reports.filter((r) => r.deviceId === deviceId).map((r) => r.state);
  }
}

export interface MenderHarness {
  server: MenderServer;
  desk: OneDeploymentDesk;
  /** The proxy's URL: what clients talk to. */
  url: string;
  proxy: RecordingProxy;
  firmware: FirmwareCounters;
  close(): Promise<void>;
}

export const DEPLOYMENT: DeskDeployment = {
  id: 'dep-2.0.0',
  version: '2.0.0',
  sizeBytes: 256 * 1024,
  sha256: '',
  path: '/v1/firmware/2.0.0',
};

export async function startMenderHarness(
  opts: Partial<MenderServerOptions> & { wallMs: () => number; deployment?: DeskDeployment },
): Promise<MenderHarness> {
  const desk = new OneDeploymentDesk(opts.deployment ?? DEPLOYMENT);
  const images = new Map<string, number>();
  const server = new MenderServer({ desk, registerImage: (v, n) => images.set(v, n), ...opts });
  const routes = server.routes();
  const firmware: FirmwareCounters = { firmwareRequests: 0, rangeRequests: 0, firmwareBytesSent: 0 };
  const http1 = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://backend');
    for (const r of routes) {
      const m = r.pattern.exec(url.pathname);
      if (m && r.method === req.method)
        return void r.handle(req, res, m.slice(1).map(decodeURIComponent), url);
    }
    const fw = /^\/v1\/firmware\/([^/]+)$/.exec(url.pathname);
    const size = fw ? images.get(decodeURIComponent(fw[1] ?? '')) : undefined;
    if (fw && size !== undefined)
      return serveImage(req, res, { version: decodeURIComponent(fw[1] ?? ''), sizeBytes: size }, firmware);
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => http1.listen(0, '127.0.0.1', resolve));
  const { port } = http1.address() as AddressInfo;
  const proxy = await startRecordingProxy(`http://127.0.0.1:${port}`);
  return {
    server,
    desk,
    url: proxy.url,
    proxy,
    firmware,
    close: async () => {
      await proxy.close();
      await new Promise<void>((resolve) => {
        http1.closeAllConnections();
        http1.close(() => resolve());
      });
    },
  };
}
