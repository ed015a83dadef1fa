// report.json `ota`: the OTA protocol's load per endpoint role (requests, failures, requests per
// second over the run, latency percentiles), in both modes from the merged metrics; and, live
// against the embedded backend, the server's own view: requests and latency per route, devices
// per state for each deployment, the status transitions they went through, the campaign's state.
import type { EndpointStat } from '../backend/types.js';
import { OTA_ENDPOINTS, type OtaEndpoint } from '../ota-protocols/types.js';
import type { Report } from './report-types.js';

export interface OtaEndpointReport {
  endpoint: OtaEndpoint;
  requests: number;
  failed: number;
  /** Requests over the run's reached virtual time. */
  ratePerSec: number;
  /** The busiest interval's requests per second (a wave's load, not the day's average). */
  peakRatePerSec: number;
  /** Null for downloads and for endpoints without answers. */
  p50Us: number | null;
  p90Us: number | null;
  p99Us: number | null;
}

export interface OtaServerReport {
  /** Per route of the embedded HTTP API, real time (requests/s over the run's real duration). */
  endpoints: (EndpointStat & { name: string; ratePerSec: number })[];
  /** Deployment id → devices per state, as the server sees them. */
  deployments: Record<string, Record<string, number>>;
  /** Deployment id → `from→to` → count. */
  transitions: Record<string, Record<string, number>>;
  campaign: { state: string; reason: string | null } | null;
}

export interface OtaReport {
  /** `ota.protocol` of each device type. */
  protocols: Record<string, string>;
  endpoints: OtaEndpointReport[];
  server?: OtaServerReport;
}

function peakRate(r: Pick<Report, 'series' | 'intervalUs'>, counter: string): number {
  const per = r.series.counters[counter] ?? [];
  let peak = 0;
  for (let i = 0; i < per.length; i++) {
    const fromUs = i === 0 ? 0 : (r.series.timesUs[i - 1] ?? 0);
    const lengthUs = (r.series.timesUs[i] ?? fromUs + r.intervalUs) - fromUs;
    if (lengthUs > 0) peak = Math.max(peak, ((per[i] ?? 0) * 1e6) / lengthUs);
  }
  return peak;
}

/** The per-endpoint breakdown; null when the run made no OTA request. */
export function otaReport(
  r: Pick<Report, 'scenario' | 'metrics' | 'reachedUs' | 'series' | 'intervalUs'>,
  server: OtaServerReport | null,
): OtaReport | null {
  const seconds = Math.max(1e-9, r.reachedUs / 1e6);
  const endpoints: OtaEndpointReport[] = [];
  for (const e of OTA_ENDPOINTS) {
    const requests = r.metrics.counters[`ota_requests_total{endpoint="${e}"}`] ?? 0;
    if (requests === 0) continue;
    const h = r.metrics.histograms[`ota_request_duration_us{endpoint="${e}"}`];
    const has = h !== undefined && h.count > 0;
    endpoints.push({
      endpoint: e,
      requests,
      failed: r.metrics.counters[`ota_requests_failed_total{endpoint="${e}"}`] ?? 0,
      ratePerSec: requests / seconds,
      peakRatePerSec: peakRate(r, `ota_requests_total{endpoint="${e}"}`),
      p50Us: has ? h.p50Us : null,
      p90Us: has ? h.p90Us : null,
      p99Us: has ? h.p99Us : null,
    });
  }
  if (endpoints.length === 0 && server === null) return null;
  const protocols = Object.fromEntries(
    Object.entries(r.scenario.deviceTypes).map(([name, t]) => [name, t.ota.protocol]),
  );
  return { protocols, endpoints, ...(server === null ? {} : { server }) };
}

export function otaField(o: OtaReport | null): { ota?: OtaReport } {
  return o === null ? {} : { ota: o };
}
