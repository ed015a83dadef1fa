// The subscriber's sequence bookkeeping: a number never seen is a gap, one seen again a
// duplicate, per topic; the send time gives the end-to-end latency.
import { describe, expect, it } from 'vitest';
import { DeliverySequence } from '../../../src/live/delivery-sequence.js';
import { Recorder } from '../../../src/metrics/recorder.js';

const msg = (seq: number, ts = 1000): Buffer => Buffer.from(JSON.stringify({ ts, seq, v: 1 }));

describe('DeliverySequence', () => {
  it('counts gaps and duplicates per topic from the sequence', () => {
    const d = new DeliverySequence(new Recorder(), { sentAt: ['ts'], seq: ['seq'] });
    for (const seq of [1, 2, 2, 5, 3, 6]) d.onDelivery('devices/a/t', msg(seq), 2000);
    for (const seq of [1, 2, 3]) d.onDelivery('devices/b/t', msg(seq), 2000);
    expect(d.delivered).toBe(9);
    expect(d.gaps).toBe(2); // a: 3 and 4 skipped when 5 came
    expect(d.duplicates).toBe(2); // a: 2 again, 3 after 5
  });

  it('counts a payload that is not JSON as delivered, with no sequence', () => {
    const d = new DeliverySequence(new Recorder(), { sentAt: ['ts'], seq: ['seq'] });
    d.onDelivery('x', Buffer.from('not json'), 0);
    expect([d.delivered, d.gaps, d.duplicates]).toEqual([1, 0, 0]);
  });

  it('reads the top-level field when a nested one has the same name', () => {
    const d = new DeliverySequence(new Recorder(), { sentAt: [], seq: ['seq'] });
    const nested = (seq: number): Buffer => Buffer.from(JSON.stringify({ inner: { seq: 99 }, seq }));
    for (const seq of [1, 2, 3]) d.onDelivery('t', nested(seq), 0);
    expect([d.gaps, d.duplicates]).toEqual([0, 0]);
  });
});
