// Payload templates: same seed ⇒ same bytes; each generator's values land where its parameters
// say (checked by counts over many draws, never by time); mistakes are ToolErrors with a path.
import { describe, expect, it } from 'vitest';
import { compilePayload, type PayloadTemplate } from '../../../src/payload/compile.js';
import { DevicePayloads } from '../../../src/payload/device-payloads.js';
import { toolErrorOf } from '../../helpers/tool-error.js';

const EPOCH_MS = Date.UTC(2026, 0, 1);

function renders(t: PayloadTemplate, seed: number, count: number, device = 3): string[] {
  const p = new DevicePayloads(compilePayload(t, 'p'), 8, seed, 0, EPOCH_MS);
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    const facts = {
      id: `meter-${device}`,
      index: device,
      type: 'meter',
      firmware: '1.2.0',
      batteryPct: 87.25,
    };
    out.push(p.next(device, { ...facts, tUs: i * 60e6, sentAtUs: 5e6 + i }).text);
  }
  return out;
}

const json = (o: unknown): PayloadTemplate => ({ json: o });
const values = (t: PayloadTemplate, n: number, seed = 1): number[] =>
  renders(t, seed, n).map((s) => (JSON.parse(s) as { v: number }).v);

describe('payload templates', () => {
  const full = json({
    id: { device: 'id' },
    fw: { device: 'firmware' },
    bat: { device: 'battery' },
    t: { uniform: { min: 0, max: 40 } },
    h: { normal: { mean: 50, stddev: 5 } },
    w: { walk: { start: 10, step: 1, min: 0, max: 20 } },
    s: { sine: { min: 0, max: 10, 'period-s': 3600 } },
    n: { counter: { start: 100, step: 2 } },
    st: { pick: ['ok', 'warn'] },
    at: { timestamp: 'iso' },
    ms: { timestamp: 'epoch-ms' },
    tags: ['a', { pick: [1, 2] }],
    fixed: { nested: true, none: null },
  });

  it('renders valid JSON with the generated fields, the same bytes for the same seed', () => {
    const a = renders(full, 42, 50);
    expect(renders(full, 42, 50)).toEqual(a);
    expect(renders(full, 43, 50)).not.toEqual(a);
    const first = JSON.parse(a[0] as string) as Record<string, unknown>;
    expect(first).toMatchObject({
      id: 'meter-3',
      fw: '1.2.0',
      bat: 87.3,
      n: 100,
      at: '2026-01-01T00:00:00.000Z',
    });
    expect(first.ms).toBe(EPOCH_MS);
    expect((JSON.parse(a[1] as string) as { n: number }).n).toBe(102);
    expect(first.fixed).toEqual({ nested: true, none: null });
  });

  it('gives each device its own stream', () => {
    const t = json({ v: { uniform: { min: 0, max: 1, decimals: 6 } } });
    expect(renders(t, 1, 5, 1)).not.toEqual(renders(t, 1, 5, 2));
  });

  it('draws uniform values within bounds, spread over the range', () => {
    const v = values(json({ v: { uniform: { min: 10, max: 20, decimals: 3 } } }), 4000);
    expect(Math.min(...v)).toBeGreaterThanOrEqual(10);
    expect(Math.max(...v)).toBeLessThanOrEqual(20);
    const low = v.filter((x) => x < 15).length;
    expect(low).toBeGreaterThan(1800);
    expect(low).toBeLessThan(2200);
  });

  it('draws normal values with about 68% within one deviation', () => {
    const v = values(json({ v: { normal: { mean: 100, stddev: 10 } } }), 4000);
    const within = v.filter((x) => Math.abs(x - 100) <= 10).length / v.length;
    expect(within).toBeGreaterThan(0.64);
    expect(within).toBeLessThan(0.72);
  });

  it('walks in steps no larger than the step, inside its bounds', () => {
    const v = values(json({ v: { walk: { start: 5, step: 0.5, min: 0, max: 10, decimals: 4 } } }), 2000);
    for (let i = 1; i < v.length; i++)
      expect(Math.abs((v[i] as number) - (v[i - 1] as number))).toBeLessThanOrEqual(0.5001);
    expect(Math.min(...v)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...v)).toBeLessThanOrEqual(10);
  });

  it('walks without bounds when min and max are left out', () => {
    const v = values(json({ v: { walk: { start: 100, step: 1 } } }), 200);
    expect(v[0]).toBeGreaterThanOrEqual(99);
    expect(v[0]).toBeLessThanOrEqual(101);
  });

  it('follows a sine of the virtual time with period and phase', () => {
    // One render a minute; a 4-minute period: 5, 10, 5, 0, 5 ...
    expect(values(json({ v: { sine: { min: 0, max: 10, 'period-s': 240 } } }), 5)).toEqual([5, 10, 5, 0, 5]);
    expect(values(json({ v: { sine: { min: 0, max: 10, 'period-s': 240, phase: 0.25 } } }), 2)).toEqual([
      10, 5,
    ]);
  });

  it('picks every item about equally often', () => {
    const v = renders(json({ v: { pick: ['a', 'b', 'c', 'd'] } }), 7, 4000).map(
      (s) => (JSON.parse(s) as { v: string }).v,
    );
    for (const item of ['a', 'b', 'c', 'd']) {
      const n = v.filter((x) => x === item).length;
      expect(n).toBeGreaterThan(850);
      expect(n).toBeLessThan(1150);
    }
  });

  it('names the top-level fields carrying the send time and sequence', () => {
    const p = compilePayload(json({ ts: { fleetstorm: 'sent-at' }, n: { fleetstorm: 'seq' }, v: 1 }), 'p');
    expect(p.markerKeys).toEqual({ 'sent-at': 'ts', seq: 'n' });
    expect(renders(json({ ts: { fleetstorm: 'sent-at' }, n: { fleetstorm: 'seq' } }), 1, 2)).toEqual([
      '{"ts":5000000,"n":1}',
      '{"ts":5000001,"n":2}',
    ]);
  });

  it('fills text templates from fields and device facts', () => {
    const t: PayloadTemplate = { text: '{id};{seq};{t}', fields: { t: { counter: { start: 7 } } } };
    expect(renders(t, 1, 2)).toEqual(['meter-3;1;7', 'meter-3;2;8']);
  });

  it('refuses an unknown generator argument with its path', async () => {
    const e = await toolErrorOf(() =>
      compilePayload(json({ a: { timestamp: 'rfc822' } }), 'telemetry.payload'),
    );
    expect(e.code).toBe('FLEETSTORM_ERR_SCENARIO_INVALID');
    expect(e.where).toBe('telemetry.payload.json.a.timestamp');
    const f = await toolErrorOf(() => compilePayload({ text: '{nope}' }, 'telemetry.payload'));
    expect(f.where).toBe('telemetry.payload.text');
    const g = await toolErrorOf(() => compilePayload(json({ a: { uniform: { min: 1 } } }), 'x'));
    expect(g.where).toBe('x.json.a.uniform.max');
  });
});
