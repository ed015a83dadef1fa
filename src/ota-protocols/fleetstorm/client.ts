// The device side of fleetstorm's own check-in API (src/backend/http-api.ts and the desk routes
// in server.ts): POST /v1/checkin → {offer, cancel}; POST /v1/status per state (409: the
// server aborted the deployment). Failures of the server are answers, never exceptions.
import { OtaHttpClient } from '../../transports/http/index.js';
import { readOffer } from '../../transports/http/offer.js';
import type { OtaClientOptions } from '../module.js';
import type {
  OtaAgentClient,
  OtaCheckAnswer,
  OtaDeployment,
  OtaDeviceFacts,
  OtaReportAnswer,
  OtaReportState,
} from '../types.js';

function field(body: unknown, name: string): string | null {
  if (typeof body !== 'object' || body === null) return null;
  const v = (body as Record<string, unknown>)[name];
  return typeof v === 'string' && v !== '' ? v : null;
}

export class FleetstormClient implements OtaAgentClient {
  readonly protocol = 'fleetstorm' as const;
  private readonly http: OtaHttpClient | null;
  private readonly base: URL | null;

  constructor(private readonly o: OtaClientOptions) {
    this.http =
      o.baseUrl === null ? null : new OtaHttpClient({ ...o.transport, baseUrl: o.baseUrl, clock: o.clockUs });
    this.base = o.baseUrl === null ? null : new URL(o.baseUrl);
  }

  async check(dev: OtaDeviceFacts, working?: OtaDeployment | null): Promise<OtaCheckAnswer> {
    if (this.http === null || this.base === null) return { kind: 'failed', reason: 'no_http_target' };
    const started = this.o.clockUs();
    const ask: Record<string, string> = {
      deviceId: dev.id,
      deviceType: dev.deviceType,
      version: dev.version,
    };
    if (working) ask.deployment = working.id;
    const { result, body } = await this.http.post('/v1/checkin', ask, started);
    this.o.observe('check', result.ok, result.latencyUs);
    if (!result.ok) return { kind: 'failed', reason: result.error ?? `http_${result.status}` };
    const cancel = field(body, 'cancel');
    if (cancel !== null) return { kind: 'cancel', deploymentId: cancel };
    const offer = readOffer(body, this.base);
    if (offer === undefined) return { kind: 'failed', reason: 'bad_response' };
    if (offer === null) return { kind: 'none' };
    const inner = (body as { offer: unknown }).offer;
    const deployment: OtaDeployment = {
      id: field(inner, 'deployment') ?? offer.version,
      version: offer.version,
      url: new URL(offer.url, this.base).href,
      sizeBytes: offer.sizeBytes,
      sha256: offer.sha256,
    };
    return { kind: 'offer', deployment };
  }

  async report(
    dev: OtaDeviceFacts,
    dep: OtaDeployment,
    state: OtaReportState,
    detail?: string,
  ): Promise<OtaReportAnswer> {
    if (this.http === null) return 'failed';
    const started = this.o.clockUs();
    const body: Record<string, string> = {
      deviceId: dev.id,
      state,
      version: dep.version,
      deployment: dep.id,
    };
    if (detail !== undefined) body.detail = detail;
    const { result } = await this.http.post('/v1/status', body, started);
    // 409: the server ended this deployment (as Mender answers a status of an aborted one).
    this.o.observe('report', result.ok || result.status === 409, result.latencyUs);
    if (result.status === 409) return 'aborted';
    return result.ok ? 'ok' : 'failed';
  }

  async close(): Promise<void> {
    await this.http?.close();
  }
}
