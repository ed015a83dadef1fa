// The OTA protocol's load per endpoint role (both modes) and, live against the embedded
// backend, the update server's routes and devices per state: tables under the metrics.
import type { Report } from '../report-types.js';
import { esc } from './escape.js';
import { formatCount, formatDurationUs, formatInteger } from './format.js';

/** A rate, or `-` when an older report lacks it. */
const rate = (r: number | undefined): string =>
  r === undefined || !Number.isFinite(r)
    ? '-'
    : r >= 10
      ? formatInteger(Math.round(r))
      : r.toFixed(r >= 1 ? 1 : 3);
const td = (v: string): string => `<td class="num">${esc(v)}</td>`;

function serverTables(report: Report): string {
  const s = report.ota?.server;
  if (!s) return '';
  const rows = s.endpoints.map(
    (e) =>
      `<tr><td><code>${esc(e.name)}</code></td>${td(formatInteger(e.requests))}${td(rate(e.ratePerSec))}${td(formatInteger(e.errors))}${td(formatDurationUs(e.p50Us))}${td(formatDurationUs(e.p99Us))}</tr>`,
  );
  const states = Object.entries(s.deployments).map(
    ([id, by]) =>
      `<tr><td><code>${esc(id)}</code></td><td>${esc(
        Object.entries(by)
          .filter(([, n]) => n > 0)
          .map(([st, n]) => `${st} ${formatCount(n)}`)
          .join(', '),
      )}</td></tr>`,
  );
  const campaign = s.campaign
    ? `<p class="muted small">campaign: ${esc(s.campaign.state)}${s.campaign.reason ? ` (${esc(s.campaign.reason)})` : ''}</p>`
    : '';
  return [
    '<div class="values"><h3>Update server (embedded backend, real time)</h3>',
    '<table><thead><tr><th>route</th><th class="num">requests</th><th class="num">req/s</th><th class="num">errors</th><th class="num">p50</th><th class="num">p99</th></tr></thead>',
    `<tbody>${rows.join('')}</tbody></table>`,
    '<table><thead><tr><th>deployment</th><th>devices per state (server view)</th></tr></thead>',
    `<tbody>${states.join('')}</tbody></table>${campaign}</div>`,
  ].join('');
}

export function renderOtaEndpoints(report: Report): string {
  const o = report.ota;
  if (!o) return '';
  const rows = o.endpoints.map(
    (e) =>
      `<tr><td><code>${esc(e.endpoint)}</code></td>${td(formatInteger(e.requests))}${td(rate(e.ratePerSec))}${td(rate(e.peakRatePerSec))}${td(formatInteger(e.failed))}${td(formatDurationUs(e.p50Us))}${td(formatDurationUs(e.p90Us))}${td(formatDurationUs(e.p99Us))}</tr>`,
  );
  const protocols = [...new Set(Object.values(o.protocols))].join(', ');
  return [
    `<div class="values"><h3>OTA requests per endpoint (${esc(protocols)})</h3>`,
    '<table><thead><tr><th>endpoint</th><th class="num">requests</th><th class="num">req/s</th><th class="num">peak req/s</th><th class="num">failed</th><th class="num">p50</th><th class="num">p90</th><th class="num">p99</th></tr></thead>',
    `<tbody>${rows.join('')}</tbody></table></div>`,
    serverTables(report),
  ].join('');
}
