// calibrate against the embedded backend holding a known connect limit (rate, burst, queue,
// max sessions): the fitted connect.rate lands near the configured rate, max-sessions at the
// configured cap, and the HTTP side is probed when given. The configured rates are low (the
// broker and the probe share this process on a shared machine): counts and fits only.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { startEmbeddedBackend } from '../../../src/backend/embedded.js';
import type { EmbeddedBackend } from '../../../src/backend/types.js';
import { runCalibration } from './calibrate-helpers.js';

const RATE = 25;

describe('calibrate against the embedded backend', () => {
  let backend: EmbeddedBackend | null = null;
  let second: EmbeddedBackend | null = null;
  afterEach(async () => {
    await backend?.close();
    await second?.close();
    backend = null;
    second = null;
  });

  it('fits connect.rate near the broker’s configured accept rate, within its interval', async () => {
    backend = await startEmbeddedBackend({ connectLimit: { ratePerSec: RATE, burst: 5, queue: 5000 } });
    const progress: string[] = [];
    const r = await runCalibration(
      { targetMqtt: [backend.mqttUrl] },
      {
        stepMs: 2000,
        connectStartPerSec: 10,
        connectMaxPerSec: 160,
        maxConnections: 400,
        publishMaxPerSec: 500,
      },
      progress,
    );
    const connect = r.probes.find((p) => p.probe === 'connect');
    expect(connect?.stoppedBy).toBe('knee');
    const rate = r.fits['connect.rate'];
    expect(rate?.bound).toBeUndefined();
    expect(Math.abs((rate?.value ?? 0) - RATE) / RATE).toBeLessThan(0.15);
    expect(rate?.low ?? 0).toBeLessThanOrEqual(RATE * 1.1);
    expect(rate?.high ?? 0).toBeGreaterThanOrEqual(RATE * 0.9);
    expect(r.backend.connect.rate).toMatch(/^\d+\/s$/);
    // one progress line per step of every probe that ran
    const steps = r.probes.reduce((n, p) => n + p.steps.length, 0);
    expect(progress.filter((l) => / step \d+:/.test(l))).toHaveLength(steps);
    // measured vs modelled: every connect step has the model's p50/p99
    expect(connect?.steps.every((s) => s.record.modelled !== undefined)).toBe(true);
    const b = backend;
    await vi.waitFor(() => expect(b.stats().mqtt.sessions).toBe(0), { timeout: 10_000 }); // none left open
  }, 120_000);

  it('fits max-sessions at the broker’s cap, and probes the HTTP side when given', async () => {
    backend = await startEmbeddedBackend({
      connectLimit: { ratePerSec: 5000, burst: 100, maxSessions: 350 },
    });
    const r = await runCalibration(
      { targetMqtt: [backend.mqttUrl], targetHttp: backend.httpUrl },
      { maxConnections: 600, connectMaxPerSec: 100, publishMaxPerSec: 500 },
    );
    const sessions = r.fits['connect.max-sessions'];
    expect(sessions?.bound).toBeUndefined();
    expect(sessions?.value).toBeGreaterThanOrEqual(350);
    expect(sessions?.value).toBeLessThanOrEqual(360);
    expect(r.backend.connect['max-sessions']).toBe(sessions?.value);
    expect(r.backend.checkin?.rate).toMatch(/^\d+\/s$/);
    expect(r.fits['ota.bandwidth']?.value).toBeGreaterThan(0);
    expect(r.probes.find((p) => p.probe === 'checkin')?.steps.length).toBeGreaterThan(0);
    expect(r.probes.find((p) => p.probe === 'download')?.steps[0]?.record.ok).toBeGreaterThan(0);
    const b = backend;
    await vi.waitFor(() => expect(b.stats().mqtt.sessions).toBe(0), { timeout: 10_000 });
  }, 150_000);

  it('several brokers: connections spread over them, the figures per broker (brokers: 2)', async () => {
    backend = await startEmbeddedBackend();
    second = await startEmbeddedBackend();
    const r = await runCalibration(
      { targetMqtt: [backend.mqttUrl, second.mqttUrl] },
      { maxConnections: 100, stepMs: 500, connectMaxPerSec: 200, publishMaxPerSec: 500 },
    );
    expect(r.backend.brokers).toBe(2);
    expect(backend.stats().mqtt.connects).toBeGreaterThan(0);
    expect(second.stats().mqtt.connects).toBeGreaterThan(0);
    const one = backend.stats().mqtt.connects;
    expect(Math.abs(one - second.stats().mqtt.connects)).toBeLessThanOrEqual(Math.ceil(one * 0.1));
    expect(r.fits['connect.max-sessions']?.value).toBe(50); // 100 held over 2 brokers, never refused
    expect(r.notes.join(' ')).toContain('per broker');
  }, 120_000);
});
