// The OTA protocol section of the text summary: requests per endpoint role and, live against
// the embedded backend, the server's view (routes, devices per state, campaign).
import { formatCount, formatDurationUs } from '../metrics/units.js';
import type { Report } from './report-types.js';
import { table } from './text-table.js';

const dur = (us: number | null): string => (us === null ? '-' : formatDurationUs(us));
/** A rate, or `-` when an older report lacks it. */
const rate = (r: number | undefined): string =>
  r === undefined || !Number.isFinite(r)
    ? '-'
    : r >= 10
      ? formatCount(Math.round(r))
      : r.toFixed(r >= 1 ? 1 : 3);

function serverLines(r: Report): string[] {
  const s = r.ota?.server;
  if (!s) return [];
  const rows = [['server route', 'requests', 'req/s', 'errors', 'p50', 'p90', 'p99']];
  for (const e of s.endpoints)
    rows.push([
      e.name,
      formatCount(e.requests),
      rate(e.ratePerSec),
      formatCount(e.errors),
      dur(e.p50Us),
      dur(e.p90Us),
      dur(e.p99Us),
    ]);
  const states = Object.entries(s.deployments).map(
    ([id, byState]: [string, Record<string, number>]) =>
      `  ${id}: ${
        Object.entries(byState)
          .filter(([, n]) => n > 0)
          .map(([st, n]) => `${st} ${formatCount(n)}`)
          .join(', ') || 'no device asked'
      }`,
  );
  const campaign = s.campaign
    ? [`  campaign: ${s.campaign.state}${s.campaign.reason ? ` (${s.campaign.reason})` : ''}`]
    : [];
  return [
    'update server (embedded backend, real time):',
    ...table(rows),
    'devices per state (server view):',
    ...states,
    ...campaign,
  ];
}

export function otaLines(r: Report): string[] {
  const o = r.ota;
  if (!o) return [];
  const protocols = [...new Set(Object.values(o.protocols))].join(', ');
  const rows = [['endpoint', 'requests', 'req/s', 'peak req/s', 'failed', 'p50', 'p90', 'p99']];
  for (const e of o.endpoints)
    rows.push([
      e.endpoint,
      formatCount(e.requests),
      rate(e.ratePerSec),
      rate(e.peakRatePerSec),
      formatCount(e.failed),
      dur(e.p50Us),
      dur(e.p90Us),
      dur(e.p99Us),
    ]);
  return [
    `OTA requests (ota.protocol: ${protocols}; req/s over virtual time: the run's average and its busiest interval)`,
    ...(o.endpoints.length > 0 ? table(rows) : []),
    ...serverLines(r),
  ];
}
