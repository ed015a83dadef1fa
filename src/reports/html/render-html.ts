// report.html: one self-contained file (inline CSS, inline SVG charts drawn here, one tiny
// inline script for tooltips; no CDN, no fonts, no requests) that opens offline from a CI
// artefact. A Content-Security-Policy forbids any network fetch, so nothing can sneak in.
// Order: verdict and thresholds first (the answer), then what happened when, then the detail.
import type { Report } from '../report-types.js';
import { connStateChart, latencyCharts, otaStateChart, type RenderedChart } from './charts.js';
import {
  connectAttemptsChart,
  connectedChart,
  otaFlowChart,
  rolloutShareChart,
  telemetryChart,
} from './charts-flow.js';
import { stormZoomCharts } from './charts-storm.js';
import { answeredShareChart, commandFlowChart, renderOperationsTable } from './charts-commands.js';
import { esc } from './escape.js';
import { renderReplay, renderRunInfo, renderWarnings } from './info.js';
import { timeDomain, timelineLanes } from './markers.js';
import { TOOLTIP_SCRIPT } from './script.js';
import { STYLES } from './styles.js';
import { renderTimelineChart } from './svg/timeline-chart.js';
import { renderConnectErrors } from './connect-errors.js';
import { renderOtaEndpoints } from './ota-endpoints.js';
import { renderCounterTables, renderHistogramTable, renderOutcomes, renderWavesTable } from './tables.js';
import { renderSitesTables } from './sites-table.js';
import { renderCohortTables } from '../cohorts-report.js';
import { renderFacts, renderThresholds, renderVerdict } from './verdict.js';

const CSP = "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:";

interface Section {
  id: string;
  title: string;
  body: string;
}

/** Drawn charts, then one line naming the charts that had no data. */
function chartsHtml(charts: readonly RenderedChart[]): string {
  const drawn = charts.flatMap((c) => (c.html === null ? [] : [c.html]));
  const empty = charts.filter((c) => c.html === null).map((c) => esc(c.title));
  const note = empty.length === 0 ? '' : `<p class="nodata">No data to chart: ${empty.join(', ')}.</p>`;
  return drawn.join('') + note;
}

function timelineSection(report: Report): Section {
  const chart = renderTimelineChart({
    id: 'timeline',
    title: 'What happened when',
    subtitle: 'Power-on, rollout waves and faults; the same events are shaded on every chart below',
    domainUs: timeDomain(report),
    lanes: timelineLanes(report),
  });
  return { id: 'timeline', title: 'Timeline', body: chart };
}

function rolloutSection(report: Report): Section | null {
  if (report.rollout === null) return null;
  const charts = chartsHtml([rolloutShareChart(report), otaStateChart(report), otaFlowChart(report)]);
  return {
    id: 'rollout',
    title: `Rollout of ${report.rollout.version}`,
    body: renderWavesTable(report) + charts,
  };
}

function sections(report: Report): Section[] {
  const list: (Section | null)[] = [
    timelineSection(report),
    {
      id: 'connectivity',
      title: 'Connectivity and reconnect storms',
      body: chartsHtml([
        connStateChart(report),
        connectedChart(report),
        connectAttemptsChart(report),
        ...stormZoomCharts(report),
      ]),
    },
    rolloutSection(report),
    report.commands
      ? {
          id: 'commands',
          title: 'Commands',
          body:
            renderOperationsTable(report) +
            chartsHtml([answeredShareChart(report), commandFlowChart(report)]),
        }
      : null,
    { id: 'latency', title: 'Latency over time', body: chartsHtml(latencyCharts(report)) },
    { id: 'telemetry', title: 'Telemetry', body: chartsHtml([telemetryChart(report)]) },
    report.sites ? { id: 'sites', title: 'Sites', body: renderSitesTables(report) } : null,
    report.cohorts
      ? { id: 'cohorts', title: 'Cohorts side by side', body: renderCohortTables(report, esc) }
      : null,
    { id: 'outcomes', title: 'Device outcomes', body: renderOutcomes(report) },
    {
      id: 'metrics',
      title: 'Metrics',
      body:
        renderHistogramTable(report) +
        renderCounterTables(report) +
        renderOtaEndpoints(report) +
        renderConnectErrors(report),
    },
    { id: 'run', title: 'Run', body: renderRunInfo(report) },
  ];
  return list.filter((s): s is Section => s !== null);
}

function head(report: Report): string {
  const title = `${report.scenario.name} · ${report.verdict.toUpperCase()} · fleetstorm report`;
  return [
    '<!doctype html><html lang="en"><head><meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<meta http-equiv="Content-Security-Policy" content="${CSP}">`,
    '<meta name="generator" content="fleetstorm">',
    '<link rel="icon" href="data:,">',
    `<title>${esc(title)}</title>`,
    `<style>${STYLES}</style></head>`,
  ].join('\n');
}

export function renderHtml(report: Report): string {
  const body = sections(report);
  const toc = body.map((s) => `<a href="#${esc(s.id)}">${esc(s.title)}</a>`).join('');
  const bodyHtml = body
    .map((s) => `<section id="${esc(s.id)}"><h2>${esc(s.title)}</h2>${s.body}</section>`)
    .join('\n');
  return [
    head(report),
    '<body><main>',
    `<header class="top"><h1>${esc(report.scenario.name)}</h1><span class="brand">fleetstorm ${esc(report.tool.version)} · seed ${esc(report.seed)} · ${esc(report.scenario.mode)} mode</span></header>`,
    `<nav class="toc" aria-label="Sections"><a href="#thresholds">Thresholds</a>${toc}</nav>`,
    renderVerdict(report),
    renderReplay(report),
    renderFacts(report),
    renderWarnings(report),
    renderThresholds(report.thresholds),
    bodyHtml,
    `<footer>Generated by fleetstorm ${esc(report.tool.version)} from report.json (schema v${esc(report.schemaVersion)}). Times are virtual time since the start of the run.</footer>`,
    `</main><script>${TOOLTIP_SCRIPT}</script></body></html>`,
    '',
  ].join('\n');
}
