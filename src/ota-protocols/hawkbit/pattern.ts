// hawkBit DDI's request pattern for virtual mode: a check is one controller poll, an offer adds
// the deploymentBase GET (the cancelAction exchange is rare next to polls and not modelled); each
// reported state is one feedback POST; configData is one PUT at first contact and again after a
// successful update (hawkBit asks for the attributes then), modelled as one per boot. The poll
// period is the `config.polling.sleep` the server hands out (`ota.hawkbit.polling-sleep`).
import { ALL_REPORT_STATES, type OtaRequestPattern } from '../types.js';

export const HAWKBIT_ENDPOINTS = {
  check: 'GET /{tenant}/controller/v1/{controllerId}',
  inventory: 'PUT /{tenant}/controller/v1/{controllerId}/configData',
  deployment: 'GET /{tenant}/controller/v1/{controllerId}/deploymentBase/{actionId}',
  report: 'POST /{tenant}/controller/v1/{controllerId}/deploymentBase/{actionId}/feedback',
  cancel: 'GET|POST /{tenant}/controller/v1/{controllerId}/cancelAction/{actionId}[/feedback]',
  download: 'GET (artifact download link)',
} as const;

export function hawkbitPattern(pollingSleepUs: number | null): OtaRequestPattern {
  return {
    perCheck: { check: 1 },
    perReport: { report: 1 },
    perBoot: { inventory: 1 },
    perOffer: { deployment: 1 },
    reports: ALL_REPORT_STATES,
    pollIntervalUs: pollingSleepUs,
    transport: 'http',
  };
}
