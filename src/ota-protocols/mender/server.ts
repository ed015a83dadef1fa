// The Mender device API v1 on the embedded backend, backed by the DeploymentDesk that every
// protocol's routes share (waves, failure limit, pause/abort):
//   POST  /api/devices/v1/authentication/auth_requests        → 200 JWT | 401 (pending, bad signature, tenant)
//   GET   /api/devices/v1/deployments/device/deployments/next → 204 | 200 DeploymentInstructions
//   POST  /api/devices/v2/deployments/device/deployments/next → the same ({device_provides}, newer clients)
//   PUT   /api/devices/v1/deployments/device/deployments/{id}/status → 204 | 409 (aborted) | 404
//   PUT   /api/devices/v1/deployments/device/deployments/{id}/log    → 204
//   PATCH|PUT /api/devices/v1/inventory/device/attributes    → 200
// Every call but the auth request needs a valid bearer JWT (401 otherwise). The artifact link
// points at the backend's firmware route (`/v1/firmware/<version>`, Range-resumable).
import type http from 'node:http';
import type { HttpRoute } from '../../backend/types.js';
import type { DeploymentDesk, DeskDeployment } from '../types.js';
import { MENDER_DEFAULTS } from './pattern.js';
import { Admissions, type AdmissionOptions } from './server-auth.js';
import { HttpFailure, isObject, parseJson, readBody, sendEmpty, sendError, sendJson } from './server-io.js';
import {
  MENDER_ENDPOINTS,
  MENDER_PATHS,
  MENDER_STATUSES,
  deskStateOf,
  isMenderStatus,
  type MenderAttribute,
  type MenderDeploymentInstructions,
  type MenderEndpoint,
  type MenderStatus,
} from './wire.js';

export interface MenderServerOptions extends Partial<Omit<AdmissionOptions, 'wallMs'>> {
  desk: DeploymentDesk;
  wallMs: () => number;
  /** Lifetime of an artifact link. Default 24 h. */
  linkTtlMs?: number;
  /** Makes the image of a deployment downloadable (the firmware route serves registered versions). */
  registerImage?: (version: string, sizeBytes: number) => void;
  /** The artifact's URL; default: the firmware route on the origin the device called. */
  artifactUrl?: (dep: DeskDeployment, origin: string) => string;
}

export interface MenderServerCounters {
  /** Requests per endpoint (all answers). */
  requests: Record<MenderEndpoint, number>;
  authAccepted: number;
  /** Auth requests refused: device pending acceptance, bad signature or tenant token. */
  authRefused: number;
  /** Device calls refused for a missing, bad or expired token. */
  unauthorized: number;
  deploymentsOffered: number;
  /** Status reports per Mender status. */
  statuses: Record<MenderStatus, number>;
  /** Status reports answered 409: the deployment was aborted for the device. */
  conflicts: number;
}

interface DeviceCall {
  req: http.IncomingMessage;
  res: http.ServerResponse;
  url: URL;
  /** The device id in the bearer token. */
  deviceId: string;
  /** The deployment id of status and log paths. */
  param: string;
  body: Buffer;
}

const DAY_MS = 24 * 3600 * 1000;
const MAX_LOG_DEVICES = 10_000;

function zeros<K extends string>(keys: readonly K[]): Record<K, number> {
  return Object.fromEntries(keys.map((k) => [k, 0])) as Record<K, number>;
}

export class MenderServer {
  readonly admissions: Admissions;
  readonly counters: MenderServerCounters = {
    requests: zeros(MENDER_ENDPOINTS),
    authAccepted: 0,
    authRefused: 0,
    unauthorized: 0,
    deploymentsOffered: 0,
    statuses: zeros(MENDER_STATUSES),
    conflicts: 0,
  };
  /** Device id → its inventory attributes (name → value). */
  readonly inventory = new Map<string, Map<string, MenderAttribute['value']>>();
  /** Device id → the last deployment log it uploaded. */
  readonly logs = new Map<string, { deploymentId: string; messages: unknown[] }>();

  constructor(private readonly opts: MenderServerOptions) {
    this.admissions = new Admissions({
      wallMs: opts.wallMs,
      tokenTtlMs: opts.tokenTtlMs ?? MENDER_DEFAULTS.tokenTtlMs,
      acceptance: opts.acceptance ?? 'auto',
      ...(opts.secret ? { secret: opts.secret } : {}),
      ...(opts.preauthorized ? { preauthorized: opts.preauthorized } : {}),
      ...(opts.tenantToken !== undefined ? { tenantToken: opts.tenantToken } : {}),
    });
  }

  /** The routes mounted on the embedded HTTP API, measured there by name. */
  routes(): HttpRoute[] {
    const p = (path: string): RegExp => new RegExp(`^${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);
    const dep = (kind: string): RegExp =>
      new RegExp(`^/api/devices/v1/deployments/device/deployments/([^/]+)/${kind}$`);
    return [
      this.route('mender auth', 'POST', p(MENDER_PATHS.auth), 'auth', (req, res, _id, body) =>
        this.auth(req, res, body),
      ),
      this.device('mender next', 'GET', p(MENDER_PATHS.next), 'next', (c) => this.next(c, false)),
      this.device('mender next v2', 'POST', p(MENDER_PATHS.nextV2), 'next', (c) => this.next(c, true)),
      this.device('mender status', 'PUT', dep('status'), 'status', (c) => this.status(c)),
      this.device('mender log', 'PUT', dep('log'), 'log', (c) => this.log(c)),
      this.device('mender inventory', 'PATCH', p(MENDER_PATHS.inventory), 'inventory', (c) =>
        this.attributes(c, false),
      ),
      this.device('mender inventory put', 'PUT', p(MENDER_PATHS.inventory), 'inventory', (c) =>
        this.attributes(c, true),
      ),
    ];
  }

  /** A route: counted, body read, failures answered with the spec's Error object. */
  private route(
    name: string,
    method: 'POST' | 'GET' | 'PUT' | 'PATCH',
    pattern: RegExp,
    endpoint: MenderEndpoint,
    fn: (req: http.IncomingMessage, res: http.ServerResponse, param: string, body: Buffer, url: URL) => void,
  ): HttpRoute {
    return {
      name,
      method,
      pattern,
      handle: async (req, res, params, url) => {
        this.counters.requests[endpoint]++;
        try {
          fn(req, res, params[0] ?? '', await readBody(req), url);
        } catch (err) {
          if (res.headersSent) return void res.destroy();
          if (err instanceof HttpFailure) sendError(res, err.status, err.message);
          else sendError(res, 500, err instanceof Error ? err.message : String(err));
        }
      },
    };
  }

  /** A device call: refused (401) without a valid bearer token. */
  private device(
    name: string,
    method: 'POST' | 'GET' | 'PUT' | 'PATCH',
    pattern: RegExp,
    endpoint: MenderEndpoint,
    fn: (call: DeviceCall) => void,
  ): HttpRoute {
    return this.route(name, method, pattern, endpoint, (req, res, param, body, url) => {
      const who = this.admissions.bearer(req);
      if (!who.ok) {
        this.counters.unauthorized++;
        return sendError(res, 401, who.why);
      }
      fn({ req, res, url, deviceId: who.deviceId, param, body });
    });
  }

  private auth(req: http.IncomingMessage, res: http.ServerResponse, body: Buffer): void {
    const signature = req.headers['x-men-signature'];
    const admission = this.admissions.admit(body, Array.isArray(signature) ? signature[0] : signature);
    if (!admission.ok) {
      this.counters.authRefused++;
      const why = {
        signature: 'signature verification failed',
        tenant: 'invalid tenant token',
        pending: 'dev auth: unauthorized',
      };
      return sendError(res, 401, why[admission.why]);
    }
    this.counters.authAccepted++;
    res.writeHead(200, {
      'content-type': 'application/jwt',
      'content-length': Buffer.byteLength(admission.token),
    });
    res.end(admission.token);
  }

  private next(c: DeviceCall, v2: boolean): void {
    let artifactName = c.url.searchParams.get('artifact_name');
    let deviceType = c.url.searchParams.get('device_type');
    if (v2) {
      const parsed = parseJson(c.body);
      const provides = isObject(parsed) ? parsed.device_provides : undefined;
      artifactName =
        isObject(provides) && typeof provides.artifact_name === 'string' ? provides.artifact_name : null;
      deviceType =
        isObject(provides) && typeof provides.device_type === 'string' ? provides.device_type : null;
    }
    if (!artifactName || !deviceType)
      throw new HttpFailure(400, 'artifact_name and device_type are required');
    const dep = this.opts.desk.next({ id: c.deviceId, deviceType, version: artifactName });
    if (dep === null) return sendEmpty(c.res, 204);
    this.counters.deploymentsOffered++;
    this.opts.registerImage?.(dep.version, dep.sizeBytes);
    const origin = `http://${c.req.headers.host ?? 'localhost'}`;
    const instructions: MenderDeploymentInstructions = {
      id: dep.id,
      artifact: {
        artifact_name: dep.version,
        source: this.sourceOf(dep, origin),
        device_types_compatible: [deviceType],
      },
    };
    sendJson(c.res, 200, instructions);
  }

  private sourceOf(dep: DeskDeployment, origin: string): { uri: string; expire: string } {
    const ttlMs = this.opts.linkTtlMs ?? DAY_MS;
    const expire = new Date(this.opts.wallMs() + ttlMs).toISOString();
    if (this.opts.artifactUrl) return { uri: this.opts.artifactUrl(dep, origin), expire };
    // without a registry of images the firmware route learns the size from the link (`size=`)
    const size = this.opts.registerImage ? '' : `&size=${dep.sizeBytes}`;
    return { uri: `${origin}${dep.path}?${this.admissions.linkQuery(dep.path, ttlMs)}${size}`, expire };
  }

  private status(c: DeviceCall): void {
    const parsed = parseJson(c.body);
    const status = isObject(parsed) ? parsed.status : undefined;
    if (!isMenderStatus(status))
      throw new HttpFailure(400, `status must be one of ${MENDER_STATUSES.join(', ')}`);
    this.counters.statuses[status]++;
    const state = deskStateOf(status);
    const desk = this.opts.desk;
    let answer: 'ok' | 'aborted' | 'unknown';
    if (state !== null) answer = desk.report(c.deviceId, c.param, state);
    else answer = desk.cancelled(c.deviceId, c.param) ? 'aborted' : 'ok';
    if (answer === 'ok') return sendEmpty(c.res, 204);
    if (answer === 'unknown') return sendError(c.res, 404, `no deployment ${c.param} for this device`);
    this.counters.conflicts++;
    sendError(c.res, 409, 'deployment aborted');
  }

  private log(c: DeviceCall): void {
    const parsed = parseJson(c.body);
    if (!isObject(parsed) || !Array.isArray(parsed.messages))
      throw new HttpFailure(400, 'messages must be an array');
    if (this.logs.size < MAX_LOG_DEVICES || this.logs.has(c.deviceId))
      this.logs.set(c.deviceId, { deploymentId: c.param, messages: parsed.messages });
    sendEmpty(c.res, 204);
  }

  /** PATCH upserts the attributes, PUT replaces the whole set. */
  private attributes(c: DeviceCall, replace: boolean): void {
    const parsed = parseJson(c.body);
    if (!Array.isArray(parsed)) throw new HttpFailure(400, 'attributes must be a list');
    let held = this.inventory.get(c.deviceId);
    if (held === undefined || replace) this.inventory.set(c.deviceId, (held = new Map()));
    for (const a of parsed) {
      if (!isObject(a) || typeof a.name !== 'string' || a.value === undefined)
        throw new HttpFailure(400, 'each attribute needs a name and a value');
      held.set(a.name, a.value as MenderAttribute['value']);
    }
    sendEmpty(c.res, 200);
  }
}
