// AWS IoT Jobs' request pattern for virtual mode: per check one start-next, per reported state
// one `{jobId}/update`, per boot one shadow update; all of them messages on the device's MQTT
// session (each answered by one accepted/rejected message from the service). The poll period
// is `ota.check-interval` (a device that hears notify-next checks at once in live mode). Not
// modelled: the shadow update after a commit (one message per updated device).
import { ALL_REPORT_STATES, type OtaRequestPattern } from '../types.js';

/**
 * Every state but `rebooting`: the device goes down with its session at that moment, so the
 * update could not leave (the step after the reboot is the next word the service hears).
 */
const JOBS_REPORTS = ALL_REPORT_STATES.filter((s) => s !== 'rebooting');

export const AWS_JOBS_ENDPOINTS = {
  check: 'MQTT $aws/things/{thing}/jobs/start-next',
  report: 'MQTT $aws/things/{thing}/jobs/{jobId}/update',
  inventory: 'MQTT $aws/things/{thing}/shadow/update',
  download: 'GET {jobDocument.url}',
} as const;

export function awsJobsPattern(): OtaRequestPattern {
  return {
    perCheck: { check: 1 },
    perReport: { report: 1 },
    perBoot: { inventory: 1 },
    reports: JOBS_REPORTS,
    pollIntervalUs: null,
    transport: 'mqtt',
  };
}
