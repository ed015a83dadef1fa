// rollout.install-window against its analytic expectation: every device downloads at once and
// starts its install only inside the window of its own local time (UTC + its group's zone), so
// the fleet's installs fall in one wave per zone, each starting when that zone's window opens.
import { renderHtml } from '../../src/reports/html/render-html.js';
import { describe, expect, it } from 'vitest';
import { runResolved } from '../../src/app/run.js';
import type { Report } from '../../src/reports/report-types.js';
import { loadScenario, resolveScenarioObject } from '../../src/scenario/index.js';
import { renderSummary } from '../../src/reports/summary-text.js';

async function run(doc: Record<string, unknown>): Promise<Report> {
  const s = await resolveScenarioObject({ name: 'window-test', ...doc }, 'window-test', { env: {} });
  return (await runResolved(s, { noFiles: true })).report;
}

const c = (r: Report, n: string): number => r.metrics.counters[n] ?? 0;
const HOUR = 3600e6;
const DAY = 24 * HOUR;

/** Does [fromUs, toUs] meet the window [startH, endH) of local time in a zone of `zoneH` hours? */
function meetsWindow(fromUs: number, toUs: number, startH: number, endH: number, zoneH: number): boolean {
  for (let day = -1; day <= 2; day++) {
    const open = day * DAY + (startH - zoneH) * HOUR;
    const close = day * DAY + (endH - zoneH) * HOUR;
    if (fromUs < close && toUs > open) return true;
  }
  return false;
}

describe('rollout.install-window', () => {
  it('installs start only inside each zone’s 02:00-04:00, one wave per zone, opening with the window', async () => {
    const devices = 1500;
    const r = await run({
      duration: '9h',
      interval: '5m',
      fleet: [{ device: 'gateway', count: devices, timezone: ['UTC-5', 'UTC', 'UTC+1'] }],
      rollout: {
        firmware: { version: '3.3.0', size: '2MiB' },
        start: '30m',
        'install-window': '02:00-04:00',
      },
    });
    const started = c(r, 'ota_install_started_total');
    expect(started).toBeGreaterThanOrEqual(devices);
    // every device had its image verified before its window opened: each kept it once
    expect(c(r, 'ota_install_deferred_total')).toBe(devices);
    expect(c(r, 'ota_install_outside_window_total')).toBe(0);
    expect(c(r, 'ota_succeeded_total') + c(r, 'ota_rolled_back_total')).toBe(devices);
    const per = r.series.counters['ota_install_started_total'] ?? [];
    const step = r.intervalUs;
    const zonesHit = new Set<number>();
    per.forEach((n, i) => {
      if (n === 0) return;
      const to = r.series.timesUs[i] as number;
      const zones = [-5, 0, 1].filter((z) => meetsWindow(to - step, to, 2, 4, z));
      expect(zones.length, `installs in the interval ending ${to / HOUR}h`).toBeGreaterThan(0);
      zones.forEach((z) => zonesHit.add(z));
    });
    expect([...zonesHit].sort()).toEqual([-5, 0, 1].sort());
    // each window's wave starts in the interval in which it opens (check-in and verify take seconds)
    for (const z of [-5, 0, 1]) {
      const openUs = (2 - z) * HOUR; // day 0: 01:00 UTC for UTC+1, 02:00 for UTC, 07:00 for UTC-5
      const i = r.series.timesUs.findIndex((t) => t > openUs);
      expect(per[i], `zone ${z}`).toBeGreaterThan(0);
    }
    expect(renderSummary(r)).toMatch(/install window 02:00-04:00 local: [\d,]+ installs started/);
  });

  it('without a window the same fleet installs at once; a window shorter than an install never starts one', async () => {
    const base = {
      duration: '6h',
      fleet: [{ device: 'gateway', count: 300 }],
      rollout: { firmware: { version: '3.3.0', size: '2MiB' }, start: '30m' },
    };
    const now = await run(base);
    expect(c(now, 'ota_install_started_total')).toBeGreaterThanOrEqual(300);
    expect(c(now, 'ota_install_deferred_total')).toBe(0);
    // gateway installs take up to 60 s: a one-minute window has no room once check-in and verify have taken their seconds
    const tight = await run({ ...base, rollout: { ...base.rollout, 'install-window': '03:00-03:01' } });
    expect(c(tight, 'ota_install_started_total')).toBe(0);
    // kept once before the window, and once more after the check-in at its opening found no room
    expect(c(tight, 'ota_install_deferred_total')).toBe(2 * 300);
  });
});

describe('scenarios/maintenance-window.yaml at reduced scale', () => {
  it('passes its thresholds: every device deferred its install to its window, none outside it', async () => {
    const s = await loadScenario('scenarios/maintenance-window.yaml', {
      env: {},
      overrides: { devices: 900 },
    });
    const r = (await runResolved(s, { noFiles: true })).report;
    expect(r.verdict).toBe('passed');
    expect(c(r, 'ota_install_deferred_total')).toBe(900);
    expect(c(r, 'ota_install_outside_window_total')).toBe(0);
    // the HTML report's OTA chart draws the install wave the window causes
    expect(renderHtml(r)).toContain('installs started');
  });
});
