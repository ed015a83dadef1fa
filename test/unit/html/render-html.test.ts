import { describe, expect, it } from 'vitest';
import { formatCount } from '../../../src/reports/html/format.js';
import { renderHtml } from '../../../src/reports/html/render-html.js';
import type { Report } from '../../../src/reports/report-types.js';
import { sampleReport } from '../../helpers/sample-report.js';

interface ChartTag {
  id: string;
  points: number;
}

function charts(html: string): ChartTag[] {
  return [...html.matchAll(/<svg data-chart="([^"]+)" data-points="(\d+)"/g)].map((m) => ({
    id: m[1] ?? '',
    points: Number(m[2]),
  }));
}

function emptyReport(): Report {
  const base = sampleReport();
  return {
    ...base,
    status: 'crashed',
    statusReason: 'worker 1 exited',
    verdict: 'incomplete',
    reachedUs: 0,
    series: { timesUs: [], counters: {}, histograms: {}, connStates: {}, otaStates: {}, onTargetRatio: [] },
    metrics: { histograms: {}, counters: {}, derived: {} },
    thresholds: [],
    faults: [],
    rollout: null,
    outcomes: { total: 0, sample: [], file: null },
    warnings: [],
  };
}

describe('renderHtml on a realistic report', () => {
  const report = sampleReport();
  const html = renderHtml(report);

  it('is one self-contained document that makes no requests', () => {
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).toContain('Content-Security-Policy" content="default-src \'none\'');
    expect(html).not.toMatch(/<link[^>]+stylesheet/);
    expect(html).not.toMatch(/\s(src|href)="(https?:)?\/\//);
    expect(html).not.toMatch(/@import|url\(\s*['"]?https?:/);
    const externalUrls = [...html.matchAll(/https?:\/\/[^\s"'<)]+/g)].map((m) => m[0]);
    expect(new Set(externalUrls)).toEqual(new Set(['http://www.w3.org/2000/svg']));
  });

  it('puts the verdict and thresholds before any chart', () => {
    const verdict = html.indexOf('class="verdict verdict-failed"');
    const thresholds = html.indexOf('<table class="thresholds">');
    const firstChart = html.indexOf('<svg data-chart=');
    expect(verdict).toBeGreaterThan(0);
    expect(thresholds).toBeGreaterThan(verdict);
    expect(firstChart).toBeGreaterThan(thresholds);
    expect(html).toContain('<div class="verdict-word">FAILED</div>');
    expect(html).toContain('2 of 4 thresholds failed');
  });

  it('shows thresholds with observed values in human units and pass/fail badges', () => {
    const rows = html.slice(
      html.indexOf('<table class="thresholds">'),
      html.indexOf('</table>', html.indexOf('<table class="thresholds">')),
    );
    expect(rows.match(/badge fail/g)).toHaveLength(2);
    expect(rows.match(/badge pass/g)).toHaveLength(2);
    expect(rows).toContain('<td class="num" title="48000000">48s</td>');
    expect(rows).toContain('>22m</td><td class="num" title="1800000000">30m</td>');
    expect(rows).toContain('abort on fail');
  });

  it('draws every chart with data, each with a unique id', () => {
    const tags = charts(html);
    const ids = tags.map((t) => t.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual(
      expect.arrayContaining([
        'timeline',
        'conn-states',
        'connected',
        'connect-attempts',
        'storm-1',
        'rollout-share',
        'ota-states',
        'ota-flow',
        'latency-mqtt_connect_duration_us',
        'latency-mqtt_publish_ack_duration_us',
        'latency-ota_download_duration_us',
        'latency-outage_reconnect_duration_us',
        'telemetry',
      ]),
    );
    for (const t of tags) expect(t.points, t.id).toBeGreaterThan(0);
    expect(tags.find((t) => t.id === 'conn-states')?.points).toBe(report.series.timesUs.length);
  });

  it('leaves out charts with no data and says so', () => {
    expect(html).not.toContain('data-chart="latency-generator_lag_us"');
    expect(html).not.toContain('data-points="0"');
  });

  it('marks faults on every time axis: bands for fleet-wide faults, ticks for per-device ones', () => {
    const figures = html
      .split('<figure class="chart"')
      .slice(1)
      .filter((f) => !f.includes('data-chart="timeline"'));
    expect(figures.length).toBeGreaterThan(8);
    for (const f of figures) {
      expect(f).toMatch(/<rect class="band"[^>]*><title>backend-outage @ 12h–12h15m/);
      expect(f).toContain('backend-outage</li>');
    }
    expect(figures.filter((f) => f.includes('<rect class="strip"')).length).toBeGreaterThan(8);
    expect(html).toMatch(/<line class="rule"[^>]*><title>battery-flat @ 6h/);
  });

  it('labels the time axis in human virtual time', () => {
    const figure = html.slice(html.indexOf('id="chart-conn-states"'));
    const labels = [
      ...figure.slice(0, figure.indexOf('</figure>')).matchAll(/<text class="xlab"[^>]*>([^<]+)</g),
    ].map((m) => m[1]);
    expect(labels).toEqual(['0', '3h', '6h', '9h', '12h', '15h', '18h', '21h', '24h']);
  });

  it('has a timeline lane for power-on, each wave and each fault', () => {
    const timeline = html.slice(
      html.indexOf('data-chart="timeline"'),
      html.indexOf('</figure>', html.indexOf('data-chart="timeline"')),
    );
    const lanes = [...timeline.matchAll(/<text class="lane-label"[^>]*>([^<]+)</g)].map((m) => m[1]);
    expect(lanes).toHaveLength(1 + 4 + 4);
    expect(lanes[0]).toBe('power-on · 1M devices');
    expect(lanes[1]).toContain('wave 1 (1%) → 2.1.0');
    expect(lanes.at(-1)).toBe('backend-outage (f3) · 980k devices hit · for 15m');
  });

  it('tabulates rollout waves, outcomes, counters, run info and the replay line', () => {
    const waves = html.slice(
      html.indexOf('<table class="waves">'),
      html.indexOf('</table>', html.indexOf('<table class="waves">')),
    );
    expect(waves.match(/<tr><td>\d<\/td>/g)).toHaveLength(4);
    expect(html).toContain('<strong>557</strong> devices ended failed, rolled back or bricked');
    expect(html).toContain('<code>mqtt_connect_failed_total{reason=&quot;rejected&quot;}</code>');
    expect(html).toContain(
      '<code>fleetstorm run scenarios/ota-rollout-under-radio-drops.yaml --seed 42</code>',
    );
    expect(html).toContain('<th scope="row">seed</th><td><code>42</code></td>');
    expect(html).toContain('fleetstorm 0.1.0');
    expect(html).toContain('<li>Backend connect queue hit its limit');
  });

  it('embeds tooltip data as inert JSON and renders deterministically', () => {
    const blocks = [
      ...html.matchAll(/<script type="application\/json" class="chart-data">([^<]*)<\/script>/g),
    ];
    expect(blocks.length).toBe(charts(html).length - 1);
    const first = JSON.parse(blocks[0]?.[1] ?? '{}') as { x: number[]; t: string[]; s: unknown[] };
    expect(first.x.length).toBe(first.t.length);
    expect(renderHtml(sampleReport())).toBe(html);
  });
});

describe('renderHtml edge cases', () => {
  it('escapes every string that comes from the report', () => {
    const report = sampleReport();
    const evil = '<script>alert("x")</script> & \'q\'';
    report.scenario = { ...report.scenario, name: evil, description: evil };
    report.warnings = [evil];
    report.replay = `fleetstorm run "${evil}"`;
    report.thresholds = [{ ...report.thresholds[0]!, expr: evil, message: evil }];
    report.outcomes.sample[0]!.trail[0]!.event = evil;
    const html = renderHtml(report);
    expect(html).not.toContain('<script>alert');
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;q&#39;');
    expect(html.match(/<script/g)).toHaveLength(html.match(/<\/script>/g)?.length ?? -1);
  });

  it('renders a run that produced no data without empty charts', () => {
    const html = renderHtml(emptyReport());
    expect(html).toContain('<div class="verdict-word">INCOMPLETE</div>');
    expect(html).toContain('worker 1 exited');
    expect(html).toContain('No data to chart:');
    expect(html).toContain('No thresholds were set');
    for (const t of charts(html)) expect(t.points, t.id).toBeGreaterThan(0);
    expect(html).not.toContain('id="rollout"');
  });

  it('caps the points a chart draws on a fine-grained run and stays small', () => {
    const html = renderHtml(sampleReport({ intervalUs: 10_000_000 }));
    const tags = charts(html);
    expect(tags.find((t) => t.id === 'conn-states')?.points).toBe(Math.ceil(8_640 / Math.ceil(8_640 / 600)));
    for (const t of tags) expect(t.points).toBeLessThanOrEqual(600);
    expect(html.length).toBeLessThan(2_500_000);
  });

  it('shades the part of the time axis an interrupted run never reached', () => {
    const report = sampleReport();
    const html = renderHtml({
      ...report,
      status: 'interrupted',
      verdict: 'incomplete',
      reachedUs: report.scenario.durationUs / 2,
    });
    expect(html).toContain('not reached (interrupted)');
    expect(html).toContain('reached 12h of 24h');
  });
});

describe('renderHtml on a resized fleet', () => {
  it('says what the fleet was resized from and whether the backend followed', () => {
    const base = sampleReport();
    const scaled = (backend: boolean): Report => ({
      ...base,
      scenario: { ...base.scenario, scaledFrom: { devices: 1_000_000, backend } },
    });
    const million = formatCount(1_000_000);
    expect(renderHtml(scaled(true))).toContain(`devices · of ${million}, backend scaled`);
    expect(renderHtml(scaled(false))).toContain(`devices · of ${million}, backend as written`);
    expect(renderHtml(base)).not.toContain('devices · of');
  });
});
