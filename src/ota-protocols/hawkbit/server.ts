// The embedded backend's hawkBit DDI routes, backed by the DeploymentDesk (the same waves,
// failure limit and pause/abort as every protocol). Mirrors hawkBit's DdiRootController where a
// device can tell: unknown controllers are registered on their first poll; `configData` is
// asked for until the controller sent its attributes (and the deployment waits for them: the
// desk decides by device type and version); a deployment the desk cancelled shows as
// `cancelAction` until the controller confirms; feedback on an action that is no longer active
// is 410 Gone; the deployment base of a cancelled action is 404. Artifacts are the desk's image
// paths on the embedded HTTP API (the firmware route, with Range).
import type http from 'node:http';
import type { HttpRoute } from '../../backend/types.js';
import type { DeploymentDesk, DeskDeployment } from '../types.js';
import type { DdiActionFeedback, DdiControllerBase, DdiHandling } from './ddi-types.js';
import { controllerPath } from './ddi-types.js';
import { deskStateOf } from './feedback.js';
import { formatPollingSleep } from './polling-sleep.js';
import { DdiActions, type DdiAction } from './server-actions.js';
import { deploymentBaseOf } from './server-deployment.js';
import { checkDdiAuth, type DdiServerAuth } from './server-auth.js';
import { originOf, readJsonBody, sendEmpty, sendJson } from './server-http.js';
import { DDI_PATH, endpointOf, readFeedback, type DdiEndpoint } from './server-parse.js';

export interface DdiServerCounters {
  /** Requests per endpoint (answered with any status). */
  requests: Record<DdiEndpoint, number>;
  unauthorized: number;
  notFound: number;
  /** Feedback on an action no longer active (410). */
  gone: number;
  badRequest: number;
}

export interface HawkbitServerOptions {
  desk: DeploymentDesk;
  /** The tenant in every path (others are refused, 401); null: any tenant. Default `DEFAULT`. */
  tenant?: string | null;
  /**
   * `config.polling.sleep` handed to controllers. Default 5 minutes (hawkBit's default); null:
   * no `config` in the answer, the device keeps its own period.
   */
  pollingSleepMs?: number | null;
  /** Installation only inside a maintenance window: true while it is open. Absent: no window. */
  maintenanceWindowOpen?: () => boolean;
  /** `deployment.download` (and `update` outside a window). Default `forced`. */
  handling?: Exclude<DdiHandling, 'skip'>;
  auth?: DdiServerAuth;
  /** Called when a deployment is handed out (to register its image on the firmware route). */
  onDeployment?: (dep: DeskDeployment) => void;
}

const FINAL = new Set(['success', 'failure', 'already-installed', 'aborted']);

export class HawkbitDdiServer {
  readonly counters: DdiServerCounters = {
    requests: {
      poll: 0,
      configData: 0,
      deploymentBase: 0,
      deploymentFeedback: 0,
      cancelAction: 0,
      cancelFeedback: 0,
    },
    unauthorized: 0,
    notFound: 0,
    gone: 0,
    badRequest: 0,
  };
  readonly actions = new DdiActions();
  private readonly tenant: string | null;
  private readonly sleep: string | null;

  constructor(private readonly opts: HawkbitServerOptions) {
    this.tenant = opts.tenant === undefined ? 'DEFAULT' : opts.tenant;
    const sleepMs = opts.pollingSleepMs === undefined ? 300_000 : opts.pollingSleepMs;
    this.sleep = sleepMs === null ? null : formatPollingSleep(sleepMs);
  }

  /** Answers a DDI request; false when the path is not a DDI controller path. */
  async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<boolean> {
    const url = new URL(req.url ?? '/', 'http://backend');
    const m = DDI_PATH.exec(url.pathname);
    if (m === null) return false;
    const [tenant, cid, rest] = [decodeURIComponent(m[1] ?? ''), decodeURIComponent(m[2] ?? ''), m[3] ?? ''];
    const parts = rest === '' ? [] : rest.split('/');
    const endpoint = endpointOf(req.method ?? 'GET', parts);
    if (endpoint === null) return this.notFound(res);
    await this.serve(endpoint, req, res, tenant, cid, Number(parts[1]));
    return true;
  }

  /** One route per endpoint, for the embedded HTTP API's route table (measured by name). */
  routes(): HttpRoute[] {
    const prefix = '^/([^/]+)/controller/v1/([^/]+)';
    const route = (endpoint: DdiEndpoint, method: 'GET' | 'POST' | 'PUT', tail: string): HttpRoute => ({
      name: `hawkbit ${endpoint}`,
      method,
      pattern: new RegExp(`${prefix}${tail}$`),
      handle: (req, res, params) =>
        this.serve(endpoint, req, res, params[0] ?? '', params[1] ?? '', Number(params[2])),
    });
    return [
      route('poll', 'GET', ''),
      route('configData', 'PUT', '/configData'),
      route('deploymentBase', 'GET', '/deploymentBase/([1-9]\\d{0,15})'),
      route('deploymentFeedback', 'POST', '/deploymentBase/([1-9]\\d{0,15})/feedback'),
      route('cancelAction', 'GET', '/cancelAction/([1-9]\\d{0,15})'),
      route('cancelFeedback', 'POST', '/cancelAction/([1-9]\\d{0,15})/feedback'),
    ];
  }

  private async serve(
    endpoint: DdiEndpoint,
    req: http.IncomingMessage,
    res: http.ServerResponse,
    tenant: string,
    cid: string,
    actionId: number,
  ): Promise<void> {
    this.counters.requests[endpoint]++;
    // an unknown tenant fails authentication on a real hawkBit (401), it is not a missing page
    if (
      (this.tenant !== null && tenant !== this.tenant) ||
      !checkDdiAuth(this.opts.auth, req.headers.authorization, cid)
    ) {
      this.counters.unauthorized++;
      return sendEmpty(res, 401);
    }
    switch (endpoint) {
      case 'poll':
        return sendJson(res, 200, this.poll(cid, originOf(req) + controllerPath(tenant, cid)));
      case 'configData':
        return void (await this.configData(req, res, cid));
      case 'deploymentBase':
        return void this.deploymentBase(req, res, cid, actionId);
      case 'deploymentFeedback':
        return void (await this.feedback(req, res, cid, actionId));
      case 'cancelAction':
        return void this.cancelAction(res, cid, actionId);
      case 'cancelFeedback':
        return void (await this.cancelFeedback(req, res, cid, actionId));
    }
  }

  private notFound(res: http.ServerResponse): true {
    this.counters.notFound++;
    sendEmpty(res, 404);
    return true;
  }

  private poll(cid: string, base: string): DdiControllerBase {
    const target = this.actions.target(cid);
    const answer: DdiControllerBase =
      this.sleep === null ? {} : { config: { polling: { sleep: this.sleep } } };
    answer._links = {};
    const links = answer._links as NonNullable<DdiControllerBase['_links']>;
    if (target.configRequested) links.configData = { href: `${base}/configData` };
    if (target.version === null) return answer;
    const active = target.activeActionId > 0 ? this.actions.find(cid, target.activeActionId) : null;
    if (active !== null && this.isCancelled(active) && !active.cancelConfirmed) {
      links.cancelAction = { href: `${base}/cancelAction/${active.id}` };
      return answer;
    }
    const dep = this.opts.desk.next({
      id: cid,
      deviceType: target.deviceType ?? 'default',
      version: target.version,
    });
    if (dep === null) return answer;
    const action = this.actions.actionFor(cid, dep);
    target.activeActionId = action.id;
    this.opts.onDeployment?.(dep);
    links.deploymentBase = { href: `${base}/deploymentBase/${action.id}?c=${this.etag(action)}` };
    return answer;
  }

  /** hawkBit's `c` parameter: changes when the answer would (here: the maintenance window). */
  private etag(action: DdiAction): number {
    const open = this.opts.maintenanceWindowOpen?.();
    return action.id * 2 + (open === false ? 0 : 1);
  }

  private isCancelled(action: DdiAction): boolean {
    return this.opts.desk.cancelled(action.controllerId, action.deployment.id);
  }

  private async configData(req: http.IncomingMessage, res: http.ServerResponse, cid: string): Promise<true> {
    const body = await readJsonBody(req);
    const data = typeof body === 'object' && body !== null ? (body as { data?: unknown }).data : undefined;
    if (typeof data !== 'object' || data === null || Array.isArray(data)) return this.bad(res);
    const attrs = data as Record<string, unknown>;
    const target = this.actions.target(cid);
    target.version = typeof attrs.version === 'string' ? attrs.version : (target.version ?? '');
    if (typeof attrs.deviceType === 'string') target.deviceType = attrs.deviceType;
    target.configRequested = false;
    sendEmpty(res, 200);
    return true;
  }

  private bad(res: http.ServerResponse): true {
    this.counters.badRequest++;
    sendJson(res, 400, { errorCode: 'hawkbit.server.error.rest.body.notReadable', message: 'bad body' });
    return true;
  }

  private deploymentBase(req: http.IncomingMessage, res: http.ServerResponse, cid: string, id: number): true {
    const action = this.actions.find(cid, id);
    if (action === null || this.isCancelled(action)) return this.notFound(res);
    const open = this.opts.maintenanceWindowOpen?.();
    const body = deploymentBaseOf(action, originOf(req), this.opts.handling ?? 'forced', open);
    sendJson(res, 200, body);
    return true;
  }

  private async feedback(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    cid: string,
    id: number,
  ): Promise<true> {
    const read = await this.readFeedbackOn(req, res, cid, id);
    if (read === true) return true;
    const { feedback, action } = read;
    if (action.closed || this.isCancelled(action)) return this.gone(res);
    const state = deskStateOf(feedback);
    if (state !== null) {
      const detail = feedback.status.details?.join('; ');
      const answer = this.opts.desk.report(cid, action.deployment.id, state, detail);
      if (answer === 'aborted') return this.gone(res);
      if (answer === 'unknown') return this.notFound(res);
      if (FINAL.has(state)) this.close(action, state === 'success' || state === 'already-installed');
    }
    sendEmpty(res, 200);
    return true;
  }

  /** A feedback body and the action it is on; true when already answered (400 or 404). */
  private async readFeedbackOn(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    cid: string,
    id: number,
  ): Promise<{ feedback: DdiActionFeedback; action: DdiAction } | true> {
    const feedback = readFeedback(await readJsonBody(req));
    if (feedback === null) return this.bad(res);
    const action = this.actions.find(cid, id);
    if (action === null) return this.notFound(res);
    return { feedback, action };
  }

  private close(action: DdiAction, installed: boolean): void {
    action.closed = true;
    const target = this.actions.target(action.controllerId);
    if (target.activeActionId === action.id) target.activeActionId = 0;
    if (!installed) return;
    target.version = action.deployment.version;
    target.configRequested = true; // as hawkBit: attributes again after a successful update
  }

  private gone(res: http.ServerResponse): true {
    this.counters.gone++;
    sendEmpty(res, 410);
    return true;
  }

  private cancelAction(res: http.ServerResponse, cid: string, id: number): true {
    const action = this.actions.find(cid, id);
    if (action === null || !this.isCancelled(action)) return this.notFound(res);
    sendJson(res, 200, { id: String(action.id), cancelAction: { stopId: String(action.id) } });
    return true;
  }

  private async cancelFeedback(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    cid: string,
    id: number,
  ): Promise<true> {
    const read = await this.readFeedbackOn(req, res, cid, id);
    if (read === true) return true;
    const { feedback, action } = read;
    const { execution, result } = feedback.status;
    // [DdiRootController] closed + success (or canceled) confirms; rejected or failure does not
    if ((execution === 'closed' && result.finished !== 'failure') || execution === 'canceled') {
      action.cancelConfirmed = true;
      this.opts.desk.report(cid, action.deployment.id, 'aborted', 'cancellation confirmed');
      this.close(action, false);
    }
    sendEmpty(res, 200);
    return true;
  }
}
