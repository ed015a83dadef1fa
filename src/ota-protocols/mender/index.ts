// The Mender device API v1 as an update protocol (`ota.protocol: mender`): the device client,
// the embedded server's routes on the deployment desk, and the request pattern virtual mode
// models.
import { wallClockMs } from '../../clock/real-clock.js';
import { resolveSecretText } from '../../secrets/refs.js';
import type { OtaClientOptions, OtaProtocolModule } from '../module.js';
import type { OtaAgentClient } from '../types.js';
import { MenderClient } from './client.js';
import { menderPattern } from './pattern.js';
import { MenderServer } from './server.js';
import { MENDER_ROLE_PATHS } from './wire.js';

/** Without a server URL every check fails as `no_http_target` (as the fleetstorm client does). */
const NO_TARGET: OtaAgentClient = {
  protocol: 'mender',
  check: () => Promise.resolve({ kind: 'failed', reason: 'no_http_target' }),
  report: () => Promise.resolve('failed'),
  close: () => Promise.resolve(),
};

function menderClient(o: OtaClientOptions): OtaAgentClient {
  if (o.baseUrl === null) return NO_TARGET;
  const s = o.ota.mender;
  const where = `device type ${o.deviceType}: ota.mender.tenant-token`;
  const tenant = s?.tenantToken ?? null;
  return new MenderClient({
    baseUrl: o.baseUrl,
    transport: o.transport,
    clockUs: o.clockUs,
    wallMs: wallClockMs,
    seed: `mender-${o.deviceType}`,
    observe: o.observe,
    ...(s === null
      ? {}
      : { key: s.key, updatePollMs: s.pollIntervalUs / 1000, inventoryPollMs: s.inventoryIntervalUs / 1000 }),
    ...(tenant === null
      ? {}
      : { tenantToken: resolveSecretText(tenant, where, { env: process.env, baseDir: process.cwd() }) }),
  });
}

export const menderProtocol: OtaProtocolModule = {
  name: 'mender',
  endpoints: MENDER_ROLE_PATHS,
  pattern: (ota) => menderPattern(ota.mender),
  client: menderClient,
  routes: (o) => new MenderServer({ desk: o.desk, wallMs: o.nowMs }).routes(),
};
