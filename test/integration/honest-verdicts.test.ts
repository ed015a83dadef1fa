// Runs that would have passed on what did not happen: each now says so at the top of the
// summary, in the HTML report and in junit.xml, and its thresholds fail with "no data".
import { describe, expect, it } from 'vitest';
import { runResolved } from '../../src/app/run.js';
import { renderHtml } from '../../src/reports/html/render-html.js';
import { renderJunit } from '../../src/reports/junit.js';
import { renderSummary } from '../../src/reports/summary-text.js';
import { loadScenario, resolveScenarioObject } from '../../src/scenario/index.js';

describe('honest verdicts', () => {
  it('ota-rollout under the smoke profile lists its rollout and faults outside the run, first', async () => {
    const s = await loadScenario('scenarios/ota-rollout.yaml', { env: {}, profile: 'smoke' });
    const { report } = await runResolved(s, { noFiles: true });
    expect(report.warnings.slice(0, 2)).toEqual([
      'rollout 1.5.0 starts at 1h, after the run ends (10m): no device is offered it',
      'fault f0 (radio-drop during ota.downloading) can never start: no device gets the update in this run',
    ]);
    const lines = renderSummary(report).split('\n');
    expect(lines.slice(5, 7)).toEqual([
      'warnings (5)',
      '  - rollout 1.5.0 starts at 1h, after the run ends (10m): no device is offered it',
    ]);
    expect(renderHtml(report)).toContain(
      '<a href="#warnings">5 warnings</a>: read them before trusting the verdict',
    );
    expect(renderHtml(report)).toContain(
      '<li>fault f3 (backend-outage at 12h) starts after the run ends (10m): never injected</li>',
    );
    expect(renderJunit(report)).toMatch(/<system-err>warning: rollout 1\.5\.0 starts at 1h/);
  });

  it('a tracker fleet polling every 12h in an 8h run fails ota_bricked_total == 0 with no data', async () => {
    const s = await resolveScenarioObject(
      {
        name: 'tracker-8h',
        duration: '8h',
        fleet: [{ device: 'tracker', count: 300 }],
        rollout: { firmware: { version: '2.1.0', size: '1MiB' }, start: '1h', waves: ['100%'] },
        thresholds: ['ota_bricked_total == 0'],
      },
      'tracker-8h',
      { env: {} },
    );
    const { report, exitCode } = await runResolved(s, { noFiles: true });
    expect(report.metrics.counters['ota_offered_total'] ?? 0).toBe(0);
    expect(report.thresholds[0]).toMatchObject({ ok: false, observed: null });
    expect(report.thresholds[0]?.message).toContain('no data: no device was offered the update');
    expect(exitCode).toBe(1);
    expect(report.warnings[0]).toMatch(/^rollout 2\.1\.0 reaches no device before the run ends \(8h\)/);
  });

  it('says when a timed fault hit no device (who.state nobody was in)', async () => {
    const s = await resolveScenarioObject(
      {
        name: 'nobody-downloading',
        duration: '2h',
        fleet: [{ device: 'sensor', count: 200 }],
        faults: [
          { type: 'radio-drop', at: '1h', duration: '1m', who: { share: '100%', state: 'ota.downloading' } },
        ],
      },
      'nobody-downloading',
      { env: {} },
    );
    const { report } = await runResolved(s, { noFiles: true });
    expect(report.warnings).toContain('fault f0 (radio-drop at 1h) hit no device (1 occurrence)');
  });
});
