// The embedded backend's fleetstorm check-in API driven by the deployment desk (waves, failure
// limit, pause/abort): mounted before the built-in /v1/checkin and /v1/status, which answer
// from a plain offer function when no desk runs.
//   POST /v1/checkin {deviceId, deviceType, version, deployment?}
//        → {offer: {version, sizeBytes, sha256, url, deployment} | null, cancel?: id}
//   POST /v1/status  {deviceId, state, deployment?, detail?} → 204, or 409 when the deployment was aborted
import { BadRequest, readJson, sendJson, stringField } from '../../backend/http-json.js';
import type { HttpRoute } from '../../backend/types.js';
import type { OtaServerOptions } from '../module.js';
import type { DeskDeviceState } from '../types.js';

const REPORTED: Readonly<Record<string, DeskDeviceState>> = {
  downloading: 'downloading',
  downloaded: 'downloaded',
  installing: 'installing',
  rebooting: 'rebooting',
  success: 'success',
  failure: 'failure',
  'already-installed': 'already-installed',
};

export function fleetstormRoutes(o: OtaServerOptions): HttpRoute[] {
  const { desk } = o;
  return [
    {
      name: 'fleetstorm checkin',
      method: 'POST',
      pattern: /^\/v1\/checkin$/,
      async handle(req, res) {
        const body = await readJson(req);
        const id = stringField(body, 'deviceId', true) as string;
        const working = stringField(body, 'deployment', false);
        if (working !== undefined && desk.cancelled(id, working))
          return sendJson(res, 200, { offer: null, cancel: working });
        const dep = desk.next({
          id,
          deviceType: stringField(body, 'deviceType', false) ?? 'default',
          version: stringField(body, 'version', true) as string,
        });
        if (dep === null) return sendJson(res, 200, { offer: null });
        const offer = { version: dep.version, sizeBytes: dep.sizeBytes, sha256: dep.sha256, url: dep.path };
        sendJson(res, 200, { offer: { ...offer, deployment: dep.id } });
      },
    },
    {
      name: 'fleetstorm status',
      method: 'POST',
      pattern: /^\/v1\/status$/,
      async handle(req, res) {
        const body = await readJson(req);
        const id = stringField(body, 'deviceId', true) as string;
        const state = stringField(body, 'state', true) as string;
        const deployment = stringField(body, 'deployment', false);
        const deskState = REPORTED[state];
        if (deskState === undefined) throw new BadRequest(`"state" ${state} is not a deployment state`);
        if (deployment === undefined) return void res.writeHead(204).end();
        const answer = desk.report(id, deployment, deskState, stringField(body, 'detail', false));
        if (answer === 'aborted') return sendJson(res, 409, { error: 'deployment aborted' });
        res.writeHead(204).end();
      },
    },
  ];
}
