// Virtual and live agree on what an operator push looks like at small scale: 200 devices against
// the embedded backend (live) and its model (virtual), one operation with drawn reply delays and
// a failure share. The answered share over time follows the same curve, every command is
// answered in both, and the reply latency is of the same order of magnitude (the reply delay
// dominates it). Live at speed 1: its command latencies are real µs, the reply delay virtual.
import { describe, expect, it } from 'vitest';
import { runLive } from '../../../src/app/live-engine.js';
import { runVirtual } from '../../../src/app/virtual-engine.js';
import type { EngineResult } from '../../../src/app/engine-types.js';
import { resolveScenarioObject } from '../../../src/scenario/index.js';

const DEVICES = 200;

function scenario(mode: 'virtual' | 'live') {
  const doc = {
    name: 'commands-answered-shape',
    seed: 13,
    mode,
    duration: '30s',
    interval: '2s',
    fleet: [
      {
        count: DEVICES,
        device: {
          name: 'answer-gw',
          extends: 'gateway',
          radio: { profile: 'ethernet' },
          telemetry: { interval: '10m' },
          commands: { topic: 'answer/{id}/cmd', 'reply-delay': '500ms..1500ms', failure: '10%' },
        },
      },
    ],
    'power-on': { spread: '5s' },
    live: { speed: 1 },
    operations: [{ at: '12s', command: { name: 'ping' }, who: '50%', rate: '20/s' }],
  };
  return resolveScenarioObject(doc, `commands-answered-shape ${mode} (in memory)`, { env: {} });
}

const counter = (r: EngineResult, n: string): number => r.agg.counter(n);
const replied = (r: EngineResult): number =>
  counter(r, 'command_replied_total{result="ok"}') + counter(r, 'command_replied_total{result="error"}');

/** Replies so far per command sent so far, at the end of each interval (null before the first). */
function answeredShare(r: EngineResult): (number | null)[] {
  const s = r.agg.build().series.counters;
  const sent = s['command_sent_total'] ?? [];
  let n = 0;
  let a = 0;
  return sent.map((v, i) => {
    n += v;
    a +=
      (s['command_replied_total{result="ok"}']?.[i] ?? 0) +
      (s['command_replied_total{result="error"}']?.[i] ?? 0);
    return n > 0 ? a / n : null;
  });
}

const p50 = (r: EngineResult, h: string): number => r.agg.build().metrics.histograms[h]?.p50Us ?? 0;

describe('operator push, virtual vs live: answered share and reply latency', () => {
  it('agree at 200 devices against the embedded backend', async () => {
    const v = await runVirtual(await scenario('virtual'), { workers: 1 });
    const l = await runLive(await scenario('live'), { workers: 1 });
    expect(l.status).toBe('completed');
    const sent = counter(v, 'command_sent_total');
    expect(sent).toBeGreaterThan(70); // 50% of 200, drawn per device
    expect(counter(l, 'command_sent_total')).toBe(sent);
    // every command answered in both; about a tenth of them with an error
    for (const r of [v, l]) {
      expect(replied(r)).toBe(sent);
      expect(counter(r, 'command_unanswered_total')).toBe(0);
      const errors = counter(r, 'command_replied_total{result="error"}') / sent;
      expect(errors).toBeGreaterThan(0.02);
      expect(errors).toBeLessThan(0.25);
    }
    // the answered share climbs the same way: within a tenth at every interval, 1 at the end
    const vs = answeredShare(v);
    const ls = answeredShare(l);
    expect(ls.length).toBe(vs.length);
    vs.forEach((x, i) => {
      const y = ls[i] ?? null;
      if (x === null || y === null) expect(y).toBe(x);
      else expect(Math.abs(x - y), `interval ${i}`).toBeLessThan(0.1 + 1e-9);
    });
    expect(vs.at(-1)).toBe(1);
    expect(ls.at(-1)).toBe(1);
    // same order of magnitude: the drawn reply delay (0.5..1.5 s) dominates both
    const ratio = p50(l, 'command_reply_duration_us') / p50(v, 'command_reply_duration_us');
    expect(ratio).toBeGreaterThan(0.5);
    expect(ratio).toBeLessThan(2);
    expect(p50(l, 'command_fanout_duration_us')).toBeLessThan(500_000);
    expect(p50(v, 'command_fanout_duration_us')).toBeLessThan(500_000);
  }, 60_000);
});
