// Firmware updates under faults, checked against the real engine (workers, model, campaign).
import { describe, expect, it } from 'vitest';
import { runResolved } from '../../src/app/run.js';
import type { Report } from '../../src/reports/report-types.js';
import { resolveScenarioObject } from '../../src/scenario/index.js';

const SIZE = 256 * 1024;

function device(name: string, over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name,
    extends: 'gateway', // mains powered, ethernet, always connected, push discovery
    firmware: '1.0.0',
    ota: {
      'health-failure': '0%',
      'max-attempts': 50,
      'retry-backoff': { policy: 'full', base: '30s', max: '5m', multiplier: 2 },
      ...over,
    },
  };
}

async function run(doc: Record<string, unknown>): Promise<Report> {
  const s = await resolveScenarioObject(
    { seed: 5, duration: '12h', interval: '5m', 'power-on': { spread: '5m' }, ...doc },
    'ota-test',
    { env: {} },
  );
  const { report } = await runResolved(s, { noFiles: true });
  return report;
}

function rollout(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { firmware: { version: '2.0.0', size: `${SIZE}B` }, start: '10m', waves: ['100%'], ...extra };
}

const c = (r: Report, name: string): number => r.metrics.counters[name] ?? 0;

describe('OTA under faults', () => {
  it('power loss during install on A/B devices bricks nothing; every device ends on the new version', async () => {
    const r = await run({
      name: 'ab-power-loss',
      fleet: [{ device: device('ab'), count: 3000 }],
      rollout: rollout(),
      faults: [{ type: 'power-loss', who: '30%', during: 'ota.installing', duration: '10s..1m' }],
    });
    expect(c(r, 'faults_injected_total{type="power-loss"}')).toBeGreaterThan(500);
    expect(c(r, 'ota_bricked_total')).toBe(0);
    expect(c(r, 'ota_failed_total{reason="power"}')).toBe(c(r, 'faults_injected_total{type="power-loss"}'));
    expect(c(r, 'ota_succeeded_total')).toBe(3000);
    expect(c(r, 'ota_gave_up_total')).toBe(0);
  });

  it('power loss during install on single-slot devices bricks close to the analytic expectation', async () => {
    const p = 0.2;
    const r = await run({
      name: 'single-power-loss',
      fleet: [{ device: device('single', { slots: 'single' }), count: 4000 }],
      rollout: rollout(),
      faults: [{ type: 'power-loss', who: `${p * 100}%`, during: 'ota.installing', duration: '10s' }],
    });
    const bricked = c(r, 'ota_bricked_total');
    const reachedInstall = bricked + c(r, 'ota_succeeded_total');
    expect(reachedInstall).toBe(4000);
    const expected = p * reachedInstall;
    const sigma = Math.sqrt(reachedInstall * p * (1 - p));
    expect(Math.abs(bricked - expected)).toBeLessThan(4 * sigma);
    expect(r.outcomes.total).toBe(bricked);
    expect(
      r.outcomes.sample.every(
        (o) => o.outcome === 'bricked' && o.trail.some((e) => e.event === 'power-loss'),
      ),
    ).toBe(true);
  });

  it('a radio drop mid-download re-downloads nothing on resume-capable devices and everything on others', async () => {
    const drops = [{ type: 'radio-drop', who: '50%', during: 'ota.downloading', duration: '20s..2m' }];
    const resume = await run({
      name: 'resume',
      fleet: [{ device: device('r', { resume: true }), count: 1000 }],
      rollout: rollout(),
      faults: drops,
    });
    const completedR = resume.metrics.histograms.ota_download_duration_us?.count ?? 0;
    expect(c(resume, 'ota_resumed_downloads_total')).toBeGreaterThan(100);
    expect(completedR).toBe(1000);
    expect(c(resume, 'ota_redownloaded_bytes_total')).toBe(0);
    expect(c(resume, 'ota_downloaded_bytes_total')).toBe(SIZE * completedR);

    const restart = await run({
      name: 'restart',
      fleet: [{ device: device('n', { resume: false }), count: 1000 }],
      rollout: rollout(),
      faults: drops,
    });
    const completedN = restart.metrics.histograms.ota_download_duration_us?.count ?? 0;
    expect(completedN).toBe(1000);
    expect(c(restart, 'ota_resumed_downloads_total')).toBe(0);
    expect(c(restart, 'ota_redownloaded_bytes_total')).toBeGreaterThan(0);
    expect(c(restart, 'ota_downloaded_bytes_total')).toBe(
      SIZE * completedN + c(restart, 'ota_redownloaded_bytes_total'),
    );
  });

  it('a corrupt image is never installed', async () => {
    const r = await run({
      name: 'corrupt',
      fleet: [{ device: device('c', { 'max-attempts': 3 }), count: 500 }],
      rollout: rollout(),
      faults: [{ type: 'corrupt-image', who: '100%', during: 'ota.downloading' }],
    });
    expect(c(r, 'ota_failed_total{reason="verify"}')).toBe(1500);
    expect(c(r, 'ota_succeeded_total')).toBe(0);
    expect(r.series.otaStates.installing?.every((n) => n === 0)).toBe(true);
    expect(r.outcomes.total).toBe(500);
    for (const o of r.outcomes.sample) {
      expect(o.outcome).toBe('failed');
      expect(o.trail.map((e) => e.event)).not.toContain('install-start');
    }
  });

  it('an abort limit stops later waves: nobody outside the started waves is offered the update', async () => {
    const r = await run({
      name: 'abort',
      fleet: [{ device: device('h', { 'health-failure': '50%' }), count: 5000 }],
      rollout: rollout({
        waves: ['5%', '50%', '100%'],
        'wave-interval': '2h',
        'failure-limit': { ratio: '10%', action: 'abort' },
      }),
    });
    const waves = r.rollout?.waves ?? [];
    expect(r.rollout?.state).toBe('aborted');
    expect(waves[0]?.offered).toBeGreaterThan(0);
    expect(waves[1]?.startedAtUs).toBeNull();
    expect(waves[2]?.startedAtUs).toBeNull();
    expect(waves[1]?.offered).toBe(0);
    expect(waves[2]?.offered).toBe(0);
    expect(c(r, 'ota_offered_total')).toBe(waves[0]?.offered);
  });
});
