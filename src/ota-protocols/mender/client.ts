// The device side of the Mender device API v1 (an OtaAgentClient shared by the fleet, state per
// device id): authenticate, `GET deployments/next` (204: nothing; 200: DeploymentInstructions),
// status PUTs through downloading, installing, rebooting and the end state (409: the server
// aborted the deployment), the deployment log after a failure status, and the inventory (PUT,
// the whole set) on boot and every inventory poll interval. Where the OpenAPI files leave a
// choice, Debian's mender-client 3.4 decides (test/fixtures/specs/mender/real-client-notes.md).
// Mender's `next` gives no size or digest: the download learns the size from Content-Length.
import type { HttpTransportOptions } from '../../transports/http/types.js';
import type {
  OtaAgentClient,
  OtaCheckAnswer,
  OtaObserve,
  OtaDeployment,
  OtaDeviceFacts,
  OtaReportAnswer,
  OtaReportState,
} from '../types.js';
import { DeviceAuth } from './device-auth.js';
import { MenderHttp, type MenderExchange, type MenderRequest } from './http.js';
import { inventoryOf } from './inventory.js';
import { DeviceKeys, type MenderKeyType } from './keys.js';
import { MENDER_DEFAULTS, checksPerInventory } from './pattern.js';
import { readInstructions } from './instructions.js';
import { MENDER_PATHS, ROLE_OF, logPath, menderStatusesOf, statusPath, type MenderStatus } from './wire.js';

export interface MenderClientOptions {
  /** The Mender server (`https://hosted.mender.io`, or the embedded backend's HTTP URL). */
  baseUrl: string;
  /** `--resolve`, `target.limits`, TLS, timeouts: as the fleetstorm protocol's HTTP client. */
  transport?: Omit<HttpTransportOptions, 'baseUrl' | 'clock'>;
  /** Monotonic µs: request latencies. */
  clockUs: () => number;
  /** Wall-clock ms since the epoch: token expiry and log timestamps. */
  wallMs: () => number;
  /** Salt of the per-device Ed25519/ECDSA keys (each device id gets the same key every run). */
  seed: string;
  key?: MenderKeyType;
  /** Hosted Mender / Enterprise: the organisation's tenant token. */
  tenantToken?: string;
  /** With the inventory interval: every how many update checks the inventory goes out. */
  updatePollMs?: number;
  inventoryPollMs?: number;
  observe?: OtaObserve;
}

export class MenderClient implements OtaAgentClient {
  readonly protocol = 'mender' as const;
  readonly auth: DeviceAuth;
  private readonly http: MenderHttp;
  /** The inventory goes out every this many update checks (inventory interval / poll interval). */
  readonly checksPerInventory: number;
  /** Device id → update checks since its last inventory upload. */
  private readonly sinceInventory = new Map<string, number>();

  constructor(private readonly opts: MenderClientOptions) {
    const observe = opts.observe;
    this.http = new MenderHttp(
      { ...opts.transport, baseUrl: opts.baseUrl, clock: opts.clockUs },
      observe &&
        ((endpoint, status, latencyUs) => {
          // a 409 is the server's answer (the deployment was aborted), not a failed exchange
          const ok = (status >= 200 && status < 300) || (endpoint === 'status' && status === 409);
          observe(ROLE_OF[endpoint], ok, latencyUs);
        }),
    );
    const keys = new DeviceKeys(opts.key ?? 'ed25519', opts.seed);
    this.auth = new DeviceAuth(this.http, keys, opts.wallMs, opts.tenantToken);
    // the check period itself is the device's (the request pattern's poll interval): no answer
    // of Mender's says when to ask again
    this.checksPerInventory = checksPerInventory(
      opts.updatePollMs ?? MENDER_DEFAULTS.updatePollMs,
      opts.inventoryPollMs ?? MENDER_DEFAULTS.inventoryPollMs,
    );
  }

  async check(dev: OtaDeviceFacts): Promise<OtaCheckAnswer> {
    const token = await this.auth.token(dev);
    if (!token.ok) return { kind: 'failed', reason: `auth_${token.reason}` };
    // the first check of a device that was not booted sends it too, as a starting client does
    const since = (this.sinceInventory.get(dev.id) ?? this.checksPerInventory - 1) + 1;
    this.sinceInventory.set(dev.id, since);
    if (since >= this.checksPerInventory) await this.sendInventory(dev);
    const query = new URLSearchParams({ artifact_name: dev.version, device_type: dev.deviceType });
    const res = await this.authorized(dev, {
      endpoint: 'next',
      method: 'GET',
      path: `${MENDER_PATHS.next}?${query.toString()}`,
      headers: {},
    });
    if (res.status === 204) return { kind: 'none' };
    if (res.status !== 200) return { kind: 'failed', reason: res.error ?? 'next' };
    const deployment = readInstructions(res.body, this.http.base);
    if (deployment === null) return { kind: 'failed', reason: 'bad_response' };
    if (deployment.version === dev.version) {
      // what the device runs already: reported once, nothing downloaded (as the Mender client does)
      await this.sendStatus(dev, deployment, 'already-installed');
      return { kind: 'none' };
    }
    return { kind: 'offer', deployment };
  }

  async report(
    dev: OtaDeviceFacts,
    dep: OtaDeployment,
    state: OtaReportState,
    detail?: string,
  ): Promise<OtaReportAnswer> {
    // entering the commit the Mender client drops its token and authenticates afresh
    if (state === 'success') this.auth.drop(dev);
    let answer: OtaReportAnswer = 'ok';
    for (const status of menderStatusesOf(state)) {
      answer = await this.sendStatus(dev, dep, status);
      if (answer !== 'ok') break;
    }
    // the log follows the failure status, also when that status was answered 409
    if (state === 'failure') await this.sendLog(dev, dep, detail ?? 'update failed');
    return answer;
  }

  private async sendStatus(
    dev: OtaDeviceFacts,
    dep: OtaDeployment,
    status: MenderStatus,
  ): Promise<OtaReportAnswer> {
    const res = await this.authorized(dev, {
      endpoint: 'status',
      method: 'PUT',
      path: statusPath(dep.id),
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ status }),
    });
    if (res.status === 204 || res.status === 200) return 'ok';
    return res.status === 409 ? 'aborted' : 'failed';
  }

  async booted(dev: OtaDeviceFacts): Promise<void> {
    await this.sendInventory(dev);
  }

  close(): Promise<void> {
    return this.http.close();
  }

  private async sendInventory(dev: OtaDeviceFacts): Promise<void> {
    this.sinceInventory.set(dev.id, 0);
    await this.authorized(dev, {
      endpoint: 'inventory',
      method: 'PUT',
      path: MENDER_PATHS.inventory,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(inventoryOf(dev)),
    });
  }

  private async sendLog(dev: OtaDeviceFacts, dep: OtaDeployment, detail: string): Promise<void> {
    const timestamp = new Date(this.opts.wallMs()).toISOString();
    const messages = detail.split('\n').map((message) => ({ timestamp, level: 'error', message }));
    await this.authorized(dev, {
      endpoint: 'log',
      method: 'PUT',
      path: logPath(dep.id),
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ messages }),
    });
  }

  /** A call with the device's bearer token; a 401 renews the token once and repeats the call. */
  private async authorized(dev: OtaDeviceFacts, req: MenderRequest): Promise<MenderExchange> {
    for (let attempt = 0; ; attempt++) {
      const token = await this.auth.token(dev);
      if (!token.ok) return { status: 0, body: '', error: `auth_${token.reason}`, latencyUs: 0 };
      const res = await this.http.request({
        ...req,
        headers: { ...req.headers, authorization: `Bearer ${token.token}` },
      });
      if (res.status !== 401 || attempt > 0) return res;
      this.auth.forget(dev, token.token);
    }
  }
}
