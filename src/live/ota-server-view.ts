// After a live run: the embedded update server's own view for the report (routes, devices per
// state, transitions, campaign), and one line when the server never offered the update, so a
// rollout that downloaded nothing says why.
import type { EmbeddedBackend } from '../backend/types.js';
import type { CampaignDesk } from '../backend/deployment-desk.js';
import type { OtaServerReport } from '../reports/ota-report.js';
import type { LiveOta } from './ota-agent-port.js';

export function otaServerView(
  backend: EmbeddedBackend | null,
  desk: CampaignDesk | null | undefined,
  realSeconds: number,
): OtaServerReport | null {
  if (backend === null || !desk) return null;
  const seconds = Math.max(1e-3, realSeconds);
  const stats = backend.stats();
  // HTTP routes and the broker's services (AWS IoT Jobs requests arrive as MQTT messages)
  const measured = { ...stats.http.endpoints, ...(stats.mqtt.endpoints ?? {}) };
  const endpoints = Object.entries(measured).map(([name, e]) => ({
    name,
    ...e,
    ratePerSec: e.requests / seconds,
  }));
  const c = desk.campaign;
  return {
    endpoints,
    deployments: desk.states(),
    transitions: desk.transitions(),
    campaign: { state: c.status, reason: c.statusReason },
  };
}

/** Why no device downloaded anything, when the server answered every check with "no update". */
export function noOfferWarning(ota: LiveOta, external: boolean): string | null {
  const a = ota.answers;
  if (a.offer > 0 || a.cancel > 0 || a.none === 0) return null;
  const failed = a.failed > 0 ? ` (${a.failed} more failed)` : '';
  const where = external
    ? 'the deployment must exist on the target server for these devices (`fleetstorm serve` holds none unless started with --rollout <scenario>; or leave target.mqtt/target.http unset to run against the embedded backend)'
    : 'no targeted device was in a started wave';
  return `rollout: the update server answered all ${a.none} checks with "no update"${failed}, so no download started; ${where}`;
}
