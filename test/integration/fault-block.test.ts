// The summary's fault block: durations drawn per device (not the interval), devices hit per
// occurrence with plurals that agree, nothing "for 0us", and injections that add up to
// faults_injected_total.
import { describe, expect, it } from 'vitest';
import { runResolved } from '../../src/app/run.js';
import { faultFacts } from '../../src/reports/fault-facts.js';
import { renderSummary } from '../../src/reports/summary-text.js';
import { resolveScenarioObject } from '../../src/scenario/index.js';

describe('fault block', () => {
  it('states drawn durations, devices per occurrence and totals that add up', async () => {
    const s = await resolveScenarioObject(
      {
        name: 'fault-block',
        duration: '4h',
        fleet: [{ device: 'sensor', count: 2000 }],
        'power-on': { spread: '5m' },
        rollout: { firmware: { version: '9.0.0', size: '1MiB' }, start: '1m', waves: ['100%'] },
        faults: [
          { type: 'radio-drop', who: '50%', during: 'ota.downloading', duration: '30s..10m' },
          { type: 'battery-flat', at: '1h', who: { count: 1 } },
          { type: 'backend-outage', at: '2h', duration: '10m' },
          { type: 'backend-slow', at: '3h', duration: '5m' },
        ],
      },
      'fault-block',
      { env: {} },
    );
    const { report } = await runResolved(s, { noFiles: true });
    const text = renderSummary(report);
    const block = text.slice(text.indexOf('\nfaults: ') + 1).split('\n\n')[0] ?? '';
    const counters = Object.entries(report.metrics.counters).filter(([n]) =>
      n.startsWith('faults_injected_total'),
    );
    const total = counters.reduce((n, [, v]) => n + v, 0);
    expect(report.metrics.counters['faults_injected_total{type="backend-slow"}']).toBe(1);
    expect(faultFacts(report).reduce((n, f) => n + f.injected, 0)).toBe(total);
    expect(block.split('\n')[0]).toMatch(
      new RegExp(`^faults: ${total.toLocaleString('en-US')} injected \\(faults_injected_total: `),
    );
    expect(block).toMatch(
      /f0 +radio-drop +during ota\.downloading +[\d,]+ devices in \d+ intervals .* for 30s \/ 5\.25m \/ 10m \(min \/ median \/ max, drawn per device\)/,
    );
    expect(block).toMatch(/f1 +battery-flat +at 1h +1 device\s*$/m);
    expect(block).toMatch(/f2 +backend-outage +at 2h +[\d,]+ devices +for 10m/);
    expect(block).not.toMatch(/for 0|1 devices/);
  });

  it('a fault on whole sites says its length is drawn per site', async () => {
    const s = await resolveScenarioObject(
      {
        name: 'fault-block-sites',
        duration: '2h',
        fleet: [{ device: 'gateway', count: 600 }],
        sites: { count: 6 },
        faults: [{ type: 'radio-drop', at: '30m', duration: '1m..9m', who: { sites: 2 } }],
      },
      'fault-block-sites',
      { env: {} },
    );
    const { report } = await runResolved(s, { noFiles: true });
    const text = renderSummary(report);
    expect(text).toMatch(/for 1m \/ 5m \/ 9m \(min \/ median \/ max, drawn per site\)/);
  });
});
