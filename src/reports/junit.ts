// junit.xml: one testsuite per run, one testcase per threshold (a failed threshold is a
// <failure> whose message is "observed vs limit"). A run that did not complete adds a "run"
// testcase with an <error>, so CI never reads an aborted or interrupted run as green.
import { failureSentences } from './failure-sentences.js';
import type { Report, ThresholdResult } from './report-types.js';

// XML 1.0 allows only these characters; anything else (e.g. NUL from a bad label) is dropped.
const INVALID_XML_CHARS = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

/** Escapes text for element content and for double-quoted attribute values. */
export function escapeXml(text: string): string {
  return text
    .replace(INVALID_XML_CHARS, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;')
    .replace(/\n/g, '&#10;')
    .replace(/\r/g, '&#13;')
    .replace(/\t/g, '&#9;');
}

function attrs(values: Record<string, string | number>): string {
  return Object.entries(values)
    .map(([k, v]) => ` ${k}="${escapeXml(String(v))}"`)
    .join('');
}

function seconds(ms: number): string {
  return (ms / 1000).toFixed(3);
}

function thresholdCase(t: ThresholdResult, classname: string, why: readonly string[]): string[] {
  const open = `    <testcase${attrs({ name: t.expr, classname, time: '0.000' })}`;
  if (t.ok) return [`${open}/>`];
  const type = t.observed === null ? 'no-data' : 'threshold';
  // The body says why the run's requests failed, when one reason dominates (CI shows it).
  const body = [t.message, ...why].join('\n');
  return [
    `${open}>`,
    `      <failure${attrs({ message: t.message, type })}>${escapeXml(body)}</failure>`,
    '    </testcase>',
  ];
}

function runCase(r: Report, classname: string): string[] {
  if (r.status === 'completed') return [];
  const message = `run ${r.status}${r.statusReason ? `: ${r.statusReason}` : ''}`;
  return [
    `    <testcase${attrs({ name: 'run', classname, time: seconds(r.run.wallMs) })}>`,
    `      <error${attrs({ message, type: r.status })}>${escapeXml(message)}</error>`,
    '    </testcase>',
  ];
}

function properties(r: Report): string[] {
  const props: Record<string, string> = {
    seed: String(r.seed),
    scenario: r.scenario.name,
    scenarioFile: r.scenario.sourcePath ?? '',
    mode: r.scenario.mode,
    status: r.status,
    verdict: r.verdict,
    replay: r.replay,
    warnings: String(r.warnings.length),
  };
  if (r.scenario.shard) props.shard = `${r.scenario.shard.index}/${r.scenario.shard.count}`;
  return [
    '    <properties>',
    ...Object.entries(props).map(([name, value]) => `      <property${attrs({ name, value })}/>`),
    '    </properties>',
  ];
}

/** Warnings (what the run did not have) where CI servers show a suite's error output. */
function warningsOut(r: Report): string[] {
  if (r.warnings.length === 0) return [];
  return [`    <system-err>${escapeXml(r.warnings.map((w) => `warning: ${w}`).join('\n'))}</system-err>`];
}

export function renderJunit(report: Report): string {
  const classname = `fleetstorm.${report.scenario.name}`;
  const why = failureSentences(report);
  const failures = report.thresholds.filter((t) => !t.ok).length;
  const errors = report.status === 'completed' ? 0 : 1;
  const counts = {
    tests: report.thresholds.length + errors,
    failures,
    errors,
    time: seconds(report.run.wallMs),
  };
  const suite = { name: report.scenario.name, ...counts, skipped: 0, timestamp: report.run.startedAt };
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites${attrs({ name: 'fleetstorm', ...counts })}>`,
    `  <testsuite${attrs(suite)}>`,
    ...properties(report),
    ...report.thresholds.flatMap((t) => thresholdCase(t, classname, why)),
    ...runCase(report, classname),
    `    <system-out>${escapeXml([...why, `replay: ${report.replay}`].join('\n'))}</system-out>`,
    ...warningsOut(report),
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}
