// The embedded backend's registration endpoint, for device types with `provisioning`:
//   POST /provision  {device} → 201 {device, registration} the first time, 200 with the same
//   registration when the device registers again (a re-provisioned device keeps its id).
// Outage and reject answer 503 before any route (http-api.ts), as for the check-in API.
import { BadRequest, readJson, sendJson, stringField } from './http-json.js';
import type { HttpRoute } from './types.js';

export function provisionRoute(registered: Map<string, string> = new Map()): HttpRoute {
  return {
    name: 'provision',
    method: 'POST',
    pattern: /^\/provision$/,
    async handle(req, res) {
      const body = await readJson(req);
      const device = stringField(body, 'device', true);
      if (device === undefined || device === '') throw new BadRequest('`device` is required');
      const known = registered.get(device);
      const registration = known ?? `reg-${registered.size + 1}`;
      if (known === undefined) registered.set(device, registration);
      sendJson(res, known === undefined ? 201 : 200, { device, registration });
    },
  };
}
