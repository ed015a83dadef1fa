// The device side of hawkBit DDI: one client for the fleet, per-device state keyed by the
// device's index. A check is the controller poll (GET /{tenant}/controller/v1/{controllerId});
// its `config.polling.sleep` becomes `nextPollMs`; the links say what to do next:
//   configData      PUT the device's attributes, once per device and again after a successful
//                   update if the server asks (hawkBit does); the answer's other links are
//                   followed as well (a server that holds the deployment back until it knows
//                   what the device runs offers it at the next poll)
//   cancelAction    GET it, confirm with closed/success feedback, answer `cancel`
//   deploymentBase  GET it and offer its first artifact (size, sha256, download link)
// Reports are POST .../deploymentBase/{actionId}/feedback; 410 Gone = the action is no longer
// active on the server (cancelled): the agent stops.
import type {
  OtaAgentClient,
  OtaEndpoint,
  OtaObserve,
  OtaCheckAnswer,
  OtaDeployment,
  OtaDeviceFacts,
  OtaReportAnswer,
  OtaReportState,
} from '../types.js';
import type { DdiControllerBase } from './ddi-types.js';
import { controllerPath } from './ddi-types.js';
import type { DdiRequest, DdiResponse, DdiSend } from './ddi-http.js';
import { hrefOf, isRecord, readDeploymentBase } from './deployment-base.js';
import { cancelConfirmation, feedbackOf } from './feedback.js';
import { DeviceBits } from './device-bits.js';
import { parsePollingSleepMs } from './polling-sleep.js';

/** `TargetToken` per device (hawkBit's security token of the target) or one `GatewayToken`. */
export type HawkbitAuth =
  | { kind: 'target-token'; tokenOf: (dev: OtaDeviceFacts) => string }
  | { kind: 'gateway-token'; token: string }
  | { kind: 'none' };

export interface HawkbitClientOptions {
  /** The server's origin (and path prefix, if any), e.g. `https://hawkbit.example.test`. */
  baseUrl: string;
  tenant: string;
  auth: HawkbitAuth;
  send: DdiSend;
  /** Wall-clock ms for feedback timestamps (none sent when absent). */
  nowMs?: () => number;
  /** The controller's attributes for configData; default `{deviceType, version}`. */
  configDataOf?: (dev: OtaDeviceFacts) => Record<string, string>;
  /** `nextPollMs` when the server's answer has no `config.polling.sleep` (absent: none). */
  defaultPollMs?: number;
  /** Counts every request by its role (poll: check, configData: inventory, feedback: report). */
  observe?: OtaObserve;
  /** Releases the transport (when the client owns it). */
  closeTransport?: () => Promise<void>;
}

const ACCEPT = { accept: 'application/hal+json, application/json' };

function failed(res: DdiResponse): OtaCheckAnswer {
  return { kind: 'failed', reason: res.status === 0 ? (res.error ?? 'unknown') : `http_${res.status}` };
}

const ok = (res: DdiResponse): boolean => res.status >= 200 && res.status < 300;

export class HawkbitDdiClient implements OtaAgentClient {
  readonly protocol = 'hawkbit-ddi' as const;
  /** Devices that sent configData since the server last asked for it. */
  private readonly configSent = new DeviceBits();
  private readonly base: string;
  private readonly preferHttp: boolean;

  constructor(private readonly opts: HawkbitClientOptions) {
    this.base = opts.baseUrl.replace(/\/+$/, '');
    this.preferHttp = this.base.startsWith('http:');
  }

  /** The `Authorization` header of this device (also sent with artifact downloads). */
  authHeaders(dev: OtaDeviceFacts): Record<string, string> {
    const auth = this.opts.auth;
    switch (auth.kind) {
      case 'target-token':
        return { authorization: `TargetToken ${auth.tokenOf(dev)}` };
      case 'gateway-token':
        return { authorization: `GatewayToken ${auth.token}` };
      case 'none':
        return {};
    }
  }

  private async call(role: OtaEndpoint, req: DdiRequest): Promise<DdiResponse> {
    const res = await this.opts.send(req);
    this.opts.observe?.(role, ok(res), res.latencyUs);
    return res;
  }

  private controllerUrl(dev: OtaDeviceFacts): string {
    return this.base + controllerPath(this.opts.tenant, dev.id);
  }

  /** Headers of this device's requests, or null when its token cannot be read (a per-device file). */
  private headersOf(dev: OtaDeviceFacts): Record<string, string> | null {
    try {
      return { ...ACCEPT, ...this.authHeaders(dev) };
    } catch {
      return null;
    }
  }

  async check(dev: OtaDeviceFacts): Promise<OtaCheckAnswer> {
    const headers = this.headersOf(dev);
    if (headers === null) return { kind: 'failed', reason: 'token_unreadable' };
    const res = await this.call('check', { method: 'GET', url: this.controllerUrl(dev), headers });
    if (!ok(res)) return failed(res);
    if (!isRecord(res.body)) return { kind: 'failed', reason: 'bad_response' };
    const base = res.body as DdiControllerBase;
    const configHref = hrefOf(base._links, 'configData');
    if (configHref !== null && !this.configSent.has(dev.index))
      await this.putConfigData(dev, configHref, headers);
    const sleepMs = parsePollingSleepMs(base.config?.polling?.sleep) ?? this.opts.defaultPollMs ?? null;
    const next = sleepMs === null ? {} : { nextPollMs: sleepMs };
    const cancelHref = hrefOf(base._links, 'cancelAction');
    if (cancelHref !== null) return this.cancel(cancelHref, headers);
    const deploymentHref = hrefOf(base._links, 'deploymentBase');
    if (deploymentHref === null) return { kind: 'none', ...next };
    const dep = await this.call('deployment', { method: 'GET', url: deploymentHref, headers });
    if (!ok(dep)) return failed(dep);
    const read = readDeploymentBase(dep.body, this.preferHttp, this.authHeaders(dev));
    if (read.kind === 'bad') return { kind: 'failed', reason: read.reason };
    if (read.kind === 'skip') return { kind: 'none', ...next };
    return { kind: 'offer', deployment: read.deployment, ...next };
  }

  private async putConfigData(
    dev: OtaDeviceFacts,
    href: string,
    headers: Record<string, string>,
  ): Promise<void> {
    const data = this.opts.configDataOf?.(dev) ?? { deviceType: dev.deviceType, version: dev.version };
    const res = await this.call('inventory', {
      method: 'PUT',
      url: href,
      headers,
      body: { mode: 'merge', data },
    });
    if (ok(res)) this.configSent.set(dev.index, true);
  }

  /** GET the cancel action, confirm it, and tell the agent which deployment stops. */
  private async cancel(href: string, headers: Record<string, string>): Promise<OtaCheckAnswer> {
    const res = await this.call('cancel', { method: 'GET', url: href, headers });
    if (!ok(res)) return failed(res);
    const body = res.body;
    const stop = isRecord(body) && isRecord(body.cancelAction) ? body.cancelAction.stopId : undefined;
    if (typeof stop !== 'string') return { kind: 'failed', reason: 'bad_response' };
    const url = href.replace(/[?#].*$/, '') + '/feedback';
    const confirm = cancelConfirmation(this.opts.nowMs?.());
    const sent = await this.call('cancel', { method: 'POST', url, headers, body: confirm });
    if (!ok(sent)) return failed(sent);
    return { kind: 'cancel', deploymentId: stop };
  }

  async report(
    dev: OtaDeviceFacts,
    dep: OtaDeployment,
    state: OtaReportState,
    detail?: string,
  ): Promise<OtaReportAnswer> {
    const url = `${this.controllerUrl(dev)}/deploymentBase/${encodeURIComponent(dep.id)}/feedback`;
    const headers = this.headersOf(dev);
    if (headers === null) return 'failed';
    const body = feedbackOf(state, detail, this.opts.nowMs?.());
    const res = await this.call('report', { method: 'POST', url, headers, body });
    if (state === 'success') this.configSent.set(dev.index, false); // the server may ask again
    if (ok(res)) return 'ok';
    // [DdiRootController] feedback on an action that is no longer active: 410 Gone
    return res.status === 410 ? 'aborted' : 'failed';
  }

  async close(): Promise<void> {
    this.configSent.clear();
    await this.opts.closeTransport?.();
  }
}
