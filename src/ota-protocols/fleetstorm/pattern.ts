// The fleetstorm check-in API's request pattern: one POST /v1/checkin per check, one POST
// /v1/status per reported state, nothing at boot; the poll period is `ota.check-interval`.
import { ALL_REPORT_STATES, type OtaRequestPattern } from '../types.js';

export const FLEETSTORM_ENDPOINTS = {
  check: 'POST /v1/checkin',
  report: 'POST /v1/status',
  download: 'GET /v1/firmware/{version}',
} as const;

export function fleetstormPattern(): OtaRequestPattern {
  return {
    perCheck: { check: 1 },
    perReport: { report: 1 },
    perBoot: {},
    reports: ALL_REPORT_STATES,
    pollIntervalUs: null,
    transport: 'http',
  };
}
