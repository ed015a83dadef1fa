// fleetstorm's own check-in protocol: the embedded backend's API (and `fleetstorm serve`).
import type { OtaProtocolModule } from '../module.js';
import { FleetstormClient } from './client.js';
import { FLEETSTORM_ENDPOINTS, fleetstormPattern } from './pattern.js';
import { fleetstormRoutes } from './server.js';

export const fleetstormProtocol: OtaProtocolModule = {
  name: 'fleetstorm',
  endpoints: FLEETSTORM_ENDPOINTS,
  pattern: fleetstormPattern,
  client: (o) => new FleetstormClient(o),
  routes: fleetstormRoutes,
};
