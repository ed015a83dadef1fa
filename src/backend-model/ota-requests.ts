// Virtual mode: the requests of the device type's OTA protocol (ota.protocol) on the modelled
// backend, counted per endpoint role: a check's extra requests (Mender's auth, inventory every
// n-th poll), one per reported state the protocol sends, the boot traffic. Fractional counts
// are carried per shard and endpoint, so 1/16 of an inventory per poll makes one every 16th.
import type { Shard } from '../core/shard.js';
import { REPORT_BIT } from '../device/ota-pattern.js';
import type { TypeParams } from '../device/params.js';
import { C, H, type CounterName, type HistogramName } from '../metrics/catalog.js';
import { OTA_ENDPOINTS, type OtaReportState } from '../ota-protocols/types.js';
import { protocolRequest } from './model.js';

const N = OTA_ENDPOINTS.length;
const REQUESTS = OTA_ENDPOINTS.map((e) => C[`ota_requests_total{endpoint="${e}"}` as CounterName]);
const FAILED = OTA_ENDPOINTS.map((e) => C[`ota_requests_failed_total{endpoint="${e}"}` as CounterName]);
const DURATION = OTA_ENDPOINTS.map((e) =>
  e === 'download' ? -1 : H[`ota_request_duration_us{endpoint="${e}"}` as HistogramName],
);
/** Index of the `check` endpoint: the check request itself is modelled by the port's checkin. */
export const CHECK = OTA_ENDPOINTS.indexOf('check');
export const DOWNLOAD = OTA_ENDPOINTS.indexOf('download');

const REPORTS: Readonly<Record<OtaReportState, number>> = {
  downloading: C['ota_reports_total{state="downloading"}'],
  downloaded: C['ota_reports_total{state="downloaded"}'],
  installing: C['ota_reports_total{state="installing"}'],
  rebooting: C['ota_reports_total{state="rebooting"}'],
  success: C['ota_reports_total{state="success"}'],
  failure: C['ota_reports_total{state="failure"}'],
  'already-installed': C['ota_reports_total{state="already-installed"}'],
};

/** Fractional requests carried over, per shard and endpoint. */
const carried = new WeakMap<Shard, Float64Array>();

function carry(sh: Shard): Float64Array {
  let c = carried.get(sh);
  if (c === undefined) {
    c = new Float64Array(N);
    carried.set(sh, c);
  }
  return c;
}

/** Counts one request of endpoint `e` answered at `answerAt` (-1: refused) for a request sent at t. */
export function countRequest(sh: Shard, e: number, t: number, answerAt: number): void {
  sh.rec.add(REQUESTS[e] as number);
  if (answerAt < 0) sh.rec.add(FAILED[e] as number);
  else if ((DURATION[e] as number) >= 0) sh.rec.record(DURATION[e] as number, answerAt - t);
}

/** The requests of `per` (by endpoint) sent at t; `skip`: an endpoint the caller models itself. */
export function modelRequests(sh: Shard, t: number, tp: TypeParams, per: Float64Array, skip = -1): void {
  let c: Float64Array | null = null;
  for (let e = 0; e < N; e++) {
    const n = per[e] as number;
    if (n === 0 || e === skip) continue;
    c ??= carry(sh);
    const due = (c[e] as number) + n;
    const whole = Math.floor(due);
    c[e] = due - whole;
    for (let k = 0; k < whole; k++) {
      const up = (tp.latMinUs + tp.latMaxUs) / 2; // no draw: the device's stream stays the same
      const at = protocolRequest(sh, t + up, tp.otaOverMqtt);
      countRequest(sh, e, t, at < 0 ? -1 : at + up);
    }
  }
}

/** A status report of the device at t: counted, and its requests modelled when the protocol sends it. */
export function modelReport(sh: Shard, t: number, tp: TypeParams, state: OtaReportState): void {
  if (!(tp.otaReportMask & REPORT_BIT[state])) return;
  sh.rec.add(REPORTS[state]);
  modelRequests(sh, t, tp, tp.otaPerReport);
}

export { REPORTS as REPORT_COUNTERS };
