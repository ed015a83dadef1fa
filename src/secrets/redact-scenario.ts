// The resolved scenario as reports show it: references (`${env:BROKER_PASSWORD}`) kept, so a
// replay finds the secret where the run did; a secret written literally, and a password inside a
// target URL, shown as `***`.
import type { DeviceType, PasswordSource, ResolvedScenario } from '../scenario/types.js';
import { MASK, redactUrl } from './redact.js';
import { hasSecretRef } from './refs.js';

// Anything but a string holding a reference is masked (a hand-edited report may hold anything).
const masked = (text: unknown): string => (typeof text === 'string' && hasSecretRef(text) ? text : MASK);

function redactPassword(p: PasswordSource | null): PasswordSource | null {
  if (p === null) return null;
  switch (p.kind) {
    case 'text':
      return { ...p, text: masked(p.text) };
    case 'jwt':
    case 'sas':
      return { ...p, key: masked(p.key) };
  }
}

const maskedOrNull = (text: string | null | undefined): string | null =>
  text === null || text === undefined ? null : masked(text);

/** The OTA protocols' credentials: Mender's tenant token, hawkBit's target and gateway tokens. */
function redactOta(ota: DeviceType['ota']): DeviceType['ota'] {
  // Reports written before OTA protocols existed have none of these.
  const { mender, hawkbit } = ota;
  return {
    ...ota,
    ...(mender ? { mender: { ...mender, tenantToken: maskedOrNull(mender.tenantToken) } } : {}),
    ...(hawkbit
      ? {
          hawkbit: {
            ...hawkbit,
            targetToken: maskedOrNull(hawkbit.targetToken),
            gatewayToken: maskedOrNull(hawkbit.gatewayToken),
          },
        }
      : {}),
  };
}

function redactType(t: DeviceType): DeviceType {
  const id = t.connectivity.identity;
  const ota = t.ota === undefined ? t.ota : redactOta(t.ota);
  // Reports written before identities existed have none.
  if (id === undefined) return { ...t, ota };
  return {
    ...t,
    ota,
    connectivity: { ...t.connectivity, identity: { ...id, password: redactPassword(id.password) } },
  };
}

export function redactScenario(s: ResolvedScenario): ResolvedScenario {
  return {
    ...s,
    deviceTypes: Object.fromEntries(Object.entries(s.deviceTypes).map(([n, t]) => [n, redactType(t)])),
    target: {
      ...s.target,
      mqttUrls: s.target.mqttUrls.map(redactUrl),
      httpUrl: s.target.httpUrl === null ? null : redactUrl(s.target.httpUrl),
    },
  };
}
