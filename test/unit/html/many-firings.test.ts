// A report with hundreds of thousands of fault firings renders (hardening, finding 8: markers
// were rebuilt per firing and per chart, quadratic: 40k firings took ~50 s, 100k hung). The
// bound below is a hang guard, not a speed assertion: bench/report-firings.ts measures speed.
import { describe, expect, it } from 'vitest';
import { faultGroups } from '../../../src/reports/html/markers.js';
import { renderHtml } from '../../../src/reports/html/render-html.js';
import type { FaultTimelineEntry, Report } from '../../../src/reports/report-types.js';
import { renderSummary } from '../../../src/reports/summary-text.js';
import { sampleReport } from '../../helpers/sample-report.js';

function withFirings(n: number): Report {
  const base = sampleReport();
  const faults: FaultTimelineEntry[] = [];
  for (let i = 0; i < n; i++) {
    const atUs = Math.floor((((i * 2654435761) >>> 0) / 2 ** 32) * base.scenario.durationUs);
    faults.push({
      faultId: i % 2 ? 'f0' : 'f1',
      type: i % 2 ? 'radio-drop' : 'power-loss',
      atUs,
      durationUs: 1e6,
      devicesHit: 1,
    });
  }
  return { ...base, faults };
}

describe('a report with 200,000 fault firings', () => {
  const report = withFirings(200_000);

  it('groups the firings once per report, whatever the number of charts', () => {
    expect(faultGroups(report)).toBe(faultGroups(report));
    const hit = faultGroups(report).reduce((n, g) => n + g.devicesHit, 0);
    expect(hit).toBe(200_000);
  });

  it('renders the HTML and the summary', { timeout: 120_000 }, () => {
    const html = renderHtml(report);
    expect(html).toContain('radio-drop');
    expect(renderSummary(report)).toContain('radio-drop');
  });
});
