// Every shipped scenario runs, at reduced scale, and shows what it is about.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { runResolved } from '../../src/app/run.js';
import type { Report } from '../../src/reports/report-types.js';
import { publishLoad } from '../../src/reports/summary-telemetry.js';
import { renderSummary } from '../../src/reports/summary-text.js';
import { loadScenario, resolveScenarioObject } from '../../src/scenario/index.js';

async function run(name: string, devices: number, scaleBackend?: boolean): Promise<Report> {
  const overrides = scaleBackend === undefined ? { devices } : { devices, scaleBackend };
  const s = await loadScenario(`scenarios/${name}.yaml`, { env: {}, overrides });
  return (await runResolved(s, { noFiles: true })).report;
}

const c = (r: Report, n: string): number => r.metrics.counters[n] ?? 0;

describe('shipped scenarios at reduced scale', () => {
  it('quickstart passes its thresholds', async () => {
    const r = await run('quickstart', 3000);
    expect(r.verdict).toBe('passed');
  });

  it('reconnect-storm recovers from the outage', async () => {
    const r = await run('reconnect-storm', 20_000);
    expect(c(r, 'outage_tracked_devices_total')).toBeGreaterThan(19_000);
    expect(r.metrics.derived.fleet_recovery_duration_us).toBeGreaterThan(0);
    expect(r.verdict).toBe('passed');
  });

  it('reconnect-storm as a miniature: --scale-backend keeps the storm of the larger run', async () => {
    const recovery = (r: Report): number => r.metrics.derived.fleet_recovery_duration_us ?? 0;
    const p90 = (r: Report): number => r.metrics.histograms.mqtt_connect_duration_us?.p90Us ?? 0;
    const large = await run('reconnect-storm', 100_000, true);
    const mini = await run('reconnect-storm', 10_000, true);
    const plain = await run('reconnect-storm', 10_000);
    expect(Math.abs(recovery(mini) / recovery(large) - 1)).toBeLessThan(0.1);
    expect(Math.abs(p90(mini) / p90(large) - 1)).toBeLessThan(0.1);
    // as written, a tenth of the fleet meets the full backend: a much milder storm
    expect(recovery(plain)).toBeLessThan(0.8 * recovery(large));
    expect(p90(plain)).toBeLessThan(0.2 * p90(large));
    expect(plain.warnings.join(' ')).toContain('load relative to capacity is');
    expect(mini.warnings.join(' ')).not.toContain('load relative to capacity is');
  });

  it('offline-buffer-flush: every device flushes its outage readings, none lost, a flush storm', async () => {
    const devices = 4000;
    const r = await run('offline-buffer-flush', devices);
    expect(r.verdict).toBe('passed');
    // a 30-minute outage at a 1-minute interval: 30 readings per device, plus the few due
    // while it waited for its reconnect (backoff up to 2m)
    const buffered = c(r, 'telemetry_buffered_total');
    expect(buffered).toBeGreaterThanOrEqual(devices * 29);
    expect(buffered).toBeLessThanOrEqual(devices * 33);
    expect(c(r, 'telemetry_flushed_total')).toBe(buffered);
    expect(r.metrics.derived.telemetry_loss_ratio).toBe(0);
    const load = publishLoad(r);
    expect(load?.peakPerSec).toBeGreaterThan(5 * (load?.steadyPerSec ?? Infinity));
    expect(load?.peakAtUs).toBeGreaterThan(75 * 60e6); // after the outage ends
    const summary = renderSummary(r);
    expect(summary).toContain(
      `telemetry buffer: ${buffered.toLocaleString('en-US')} readings buffered offline`,
    );
    expect(summary).toMatch(
      /telemetry load: steady [\d,]+ publishes\/s \(median interval\), peak [\d,]+\/s .*× steady\)/,
    );
  });

  it('top-of-hour: the fleet publishes within a minute or two of each hour, once per device', async () => {
    const devices = 3000;
    const r = await run('top-of-hour', devices);
    expect(r.verdict).toBe('passed');
    const times = r.series.timesUs;
    const pubs = r.series.counters.mqtt_publish_total ?? [];
    // after power-on (30m spread), publishes only near a full hour of the device clocks:
    // ±30 s of drift gathered over 7 days, 20 s of splay, the connect time
    const nearHour = (us: number): boolean => {
      const m = (us / 60e6) % 60;
      return m <= 3 || m >= 59;
    };
    let hourly = 0;
    pubs.forEach((n, i) => {
      const at = times[i] ?? 0;
      if (at <= 35 * 60e6 || n === 0) return;
      expect(nearHour(at), `${n} publishes in the interval ending ${at / 60e6}m`).toBe(true);
      hourly += n;
    });
    // hours 1, 2 and 3 (the run ends at 4h, before that hour's storm is over), one per device,
    // save for the few lost on the radio
    expect(hourly).toBeGreaterThan(3 * devices * 0.95);
    expect(hourly).toBeLessThanOrEqual(4 * devices);
  });

  it('battery-drain: devices go flat, trackers recharge', async () => {
    const r = await run('battery-drain', 2500);
    expect(c(r, 'battery_flat_total')).toBeGreaterThan(0);
    expect(c(r, 'battery_recharged_total')).toBeGreaterThan(0);
    expect(r.series.connStates.dark?.some((n) => n > 0)).toBe(true);
  });

  it('ota-rollout, ota-radio-drops, flat-battery-during-update and release-gate update devices', async () => {
    for (const name of ['ota-rollout', 'ota-radio-drops', 'flat-battery-during-update', 'release-gate']) {
      const r = await run(name, 4000);
      expect(c(r, 'ota_succeeded_total'), name).toBeGreaterThan(0);
      expect(r.rollout?.waves.length, name).toBeGreaterThan(0);
    }
  });

  it('release-gate passes its gate under the ci profile (a miniature: 50k of 100k devices)', async () => {
    const s = await loadScenario('scenarios/release-gate.yaml', { env: {}, profile: 'ci' });
    const { report, exitCode } = await runResolved(s, { noFiles: true });
    expect(report.thresholds.filter((t) => !t.ok).map((t) => t.message)).toEqual([]);
    expect(exitCode).toBe(0);
    expect(report.scenario.scaledFrom).toEqual({ devices: 100_000, backend: true });
  });

  it('outage-mid-rollout: the outage starts at the first boundary with 30% on the new version', async () => {
    const r = await run('outage-mid-rollout', 4000);
    const outage = r.faults.find((f) => f.type === 'backend-outage');
    expect(outage).toBeDefined();
    const k = r.series.timesUs.indexOf(outage!.atUs);
    expect(r.series.onTargetRatio[k]).toBeGreaterThanOrEqual(0.3);
    expect(r.series.onTargetRatio[k - 1]).toBeLessThan(0.3);
    expect(c(r, 'mqtt_disconnects_total{reason="outage"}')).toBeGreaterThan(0);
    expect(r.verdict).toBe('passed');
  });

  it('ota-radio-drops: single-slot devices brick and re-download, A/B devices do not', async () => {
    const r = await run('ota-radio-drops', 10_000);
    expect(c(r, 'ota_bricked_total')).toBeGreaterThan(0);
    expect(c(r, 'ota_redownloaded_bytes_total')).toBeGreaterThan(0);
    expect(
      r.outcomes.sample
        .filter((o) => o.outcome === 'bricked')
        .every((o) => o.deviceType === 'sensor-single-slot'),
    ).toBe(true);
  });

  it('fleet-commands: the config push and the update check are answered within the thresholds', async () => {
    const r = await run('fleet-commands', 10_000, true);
    // 20% and then 10% of the fleet, answered (1% with an error reply)
    expect(c(r, 'command_sent_total')).toBeGreaterThan(2500);
    expect(c(r, 'command_sent_total')).toBeLessThan(3500);
    expect(c(r, 'command_replied_total{result="error"}')).toBeGreaterThan(0);
    expect(r.commands?.operations.map((o) => o.answered99Us)).not.toContain(null);
    // the config push slowed the telemetry of a fifth of the fleet from 1m to 5m
    const perMin = r.series.counters['mqtt_publish_total'] ?? [];
    const before = perMin.slice(30, 60).reduce((a, b) => a + b, 0);
    const after = perMin.slice(120, 150).reduce((a, b) => a + b, 0);
    expect(after).toBeLessThan(0.9 * before);
    expect(r.verdict).toBe('passed');
  });

  it('reconnect-storm compares backoff policies: jitter spreads the storm that no jitter focuses', async () => {
    const doc = parse(readFileSync('scenarios/reconnect-storm.yaml', 'utf8')) as {
      fleet: { device: { connectivity: { backoff: { policy: string } } }; count: number }[];
    };
    const connectP99 = async (policy: string): Promise<number> => {
      const copy = structuredClone(doc);
      for (const g of copy.fleet) {
        g.device.connectivity.backoff.policy = policy;
        g.count = 20_000;
      }
      const s = await resolveScenarioObject(copy, `storm-${policy}`, { env: {}, baseDir: 'scenarios' });
      const r = (await runResolved(s, { noFiles: true })).report;
      expect(r.metrics.derived.fleet_recovery_duration_us, policy).not.toBeNull();
      return r.metrics.histograms.mqtt_connect_duration_us?.p99Us ?? 0;
    };
    // Without jitter every device retries at the same instants: the accept queue fills and
    // connects wait seconds; full jitter spreads the retries and keeps connects fast.
    const none = await connectP99('none');
    const full = await connectP99('full');
    expect(none).toBeGreaterThan(5 * full);
  });

  it('site-outages: each gateway outage hits its whole building, all back within minutes; degraded backhaul shows in the tail', async () => {
    const r = await run('site-outages', 20_000);
    expect(r.verdict).toBe('passed');
    const sites = r.sites;
    // 2% of the buildings, rounded: every meter behind each chosen gateway is hit, no other
    expect(sites?.outages).toBe(Math.round(0.02 * (sites?.sites ?? 0)));
    const hit = r.faults.filter((f) => f.faultId === 'f0').reduce((n, f) => n + f.devicesHit, 0);
    expect(hit).toBe(sites?.slowestRecovery.reduce((n, l) => n + l.devices, 0));
    expect(sites?.recovered).toBe(sites?.outages);
    // downloads in the degraded buildings share 256 kbit/s: the tail takes hours, the median not
    const dl = r.metrics.histograms.ota_download_duration_us;
    expect(dl?.p99Us).toBeGreaterThan(30 * 60e6);
    expect(dl?.p50Us).toBeLessThan(10 * 60e6);
  });
});
