// Eclipse hawkBit DDI (`ota.protocol: hawkbit-ddi`): the device client for live mode, the
// embedded backend's DDI routes over the deployment desk, and the request pattern of virtual mode.
import { secretTemplate } from '../../identity/password.js';
import type { HawkbitSettings } from '../../scenario/ota-settings/index.js';
import type { OtaClientOptions, OtaProtocolModule } from '../module.js';
import { HawkbitDdiClient, type HawkbitAuth } from './client.js';
import { undiciDdiTransport, type DdiSend } from './ddi-http.js';
import { HAWKBIT_ENDPOINTS, hawkbitPattern } from './pattern.js';
import { HawkbitDdiServer } from './server.js';

const NO_TARGET: DdiSend = () =>
  Promise.resolve({ status: 0, body: undefined, error: 'no_http_target', latencyUs: 0 });

/** `${env:…}` from the environment, `${file:…}` relative to the working directory. */
const SECRETS = { env: process.env, baseDir: process.cwd() };

function authOf(s: HawkbitSettings | null): HawkbitAuth {
  if (s?.gatewayToken != null)
    return {
      kind: 'gateway-token',
      token: secretTemplate(s.gatewayToken, 'ota.hawkbit.gateway-token', SECRETS)(NO_FACTS),
    };
  if (s?.targetToken == null) return { kind: 'none' };
  const token = secretTemplate(s.targetToken, 'ota.hawkbit.target-token', SECRETS);
  return {
    kind: 'target-token',
    tokenOf: (dev) =>
      token({ id: dev.id, index: dev.index, type: dev.deviceType, shard: 0, run: '', seq: 0 }),
  };
}

const NO_FACTS = { id: '', index: 0, type: '', shard: 0, run: '', seq: 0 };

function hawkbitClient(o: OtaClientOptions): HawkbitDdiClient {
  const s = o.ota.hawkbit;
  const transport = o.baseUrl === null ? null : undiciDdiTransport({ ...o.transport, clock: o.clockUs });
  const auth = authOf(s);
  return new HawkbitDdiClient({
    baseUrl: o.baseUrl ?? 'http://127.0.0.1',
    tenant: s?.tenant ?? 'DEFAULT',
    auth,
    send: transport?.send ?? NO_TARGET,
    observe: o.observe,
    ...(transport === null ? {} : { closeTransport: () => transport.close() }),
  });
}

export const hawkbitProtocol: OtaProtocolModule = {
  name: 'hawkbit-ddi',
  endpoints: HAWKBIT_ENDPOINTS,
  pattern: (ota) => hawkbitPattern(ota.hawkbit?.pollingSleepUs ?? null),
  client: hawkbitClient,
  // The embedded server serves any tenant and accepts any token (or none): it stands in for a
  // hawkBit whose tenant, tokens and targets the run does not know in advance. It hands out no
  // polling config: the devices poll at their type's period (`polling-sleep`, else
  // `check-interval`, in scenario time), as virtual mode models them.
  routes: (o) =>
    new HawkbitDdiServer({
      desk: o.desk,
      tenant: null,
      pollingSleepMs: null,
      auth: { anonymous: true },
    }).routes(),
};
