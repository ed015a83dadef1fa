// The subscriber's bookkeeping when the measurement fields travel as MQTT 5 user properties:
// sequences per device stream (not per topic), latency from fleetstorm-sent-us, and the payload
// fields as the fallback of a delivery without them.
import { describe, expect, it } from 'vitest';
import { DeliverySequence } from '../../../src/live/delivery-sequence.js';
import { bucketIndexOf, Recorder } from '../../../src/metrics/recorder.js';
import { compilePayload } from '../../../src/payload/compile.js';
import { H } from '../../../src/metrics/catalog.js';
import type { PublishProperties } from '../../../src/transports/mqtt/index.js';

const props = (stream: string, seq: number, sentUs = 1000): PublishProperties => ({
  userProperties: [
    ['site', 'x'],
    ['fleetstorm-sent-us', String(sentUs)],
    ['fleetstorm-seq', String(seq)],
    ['fleetstorm-stream', stream],
  ],
});

describe('DeliverySequence with user properties', () => {
  it('counts per device stream though every device shares one topic', () => {
    const d = new DeliverySequence(new Recorder(), { sentAt: [], seq: [] });
    for (const seq of [1, 2, 4, 4]) d.onDelivery('shared', Buffer.from('raw'), 2000, props('0.0', seq));
    for (const seq of [1, 2, 3]) d.onDelivery('shared', Buffer.from('raw'), 2000, props('1.0', seq));
    for (const seq of [1, 3]) d.onDelivery('shared', Buffer.from('raw'), 2000, props('1.1', seq));
    expect([d.delivered, d.gaps, d.duplicates]).toEqual([9, 2, 1]);
  });

  it('takes the latency from fleetstorm-sent-us', () => {
    const rec = new Recorder();
    const d = new DeliverySequence(rec, { sentAt: [], seq: [] });
    d.onDelivery('t', Buffer.alloc(0), 5_000, props('0.0', 1, 2_000));
    const sparse = rec.snapshot().hists[H.mqtt_e2e_delivery_duration_us];
    expect(sparse?.idx).toEqual([bucketIndexOf(3_000)]);
  });

  it('falls back to the payload fields without the properties, and tells own-topic templated payloads from filler', () => {
    const d = new DeliverySequence(new Recorder(), { sentAt: ['ts'], seq: ['seq'] });
    d.onDelivery('t', Buffer.from('{"seq":1}'), 0, { userProperties: [['other', '1']] });
    d.onDelivery('t', Buffer.from('{"seq":3}'), 0);
    expect([d.delivered, d.gaps]).toEqual([2, 1]);
    const filler = Buffer.alloc(64);
    filler.writeDoubleLE(123456789, 0);
    expect(d.carriesMarkers(filler, undefined)).toBe(false);
    expect(d.carriesMarkers(Buffer.from('{"seq":4}'), undefined)).toBe(true);
    expect(d.carriesMarkers(filler, props('0.0', 1))).toBe(true);
  });
});

describe('DeliverySequence with text templates (3.1.1)', () => {
  it('finds {seq} and {sent-at} by the text before them', () => {
    const program = compilePayload(
      { text: 'id={id};n={seq};at={sent-at};t={t}', fields: { t: { counter: {} } } },
      'p',
    );
    expect(program.textMarkers).toEqual({ seq: ';n=', 'sent-at': ';at=' });
    const rec = new Recorder();
    const d = new DeliverySequence(rec, { sentAt: [], seq: [], text: { sentAt: [';at='], seq: [';n='] } });
    const msg = (seq: number): Buffer => Buffer.from(`id=m-1;n=${seq};at=1000;t=5`);
    for (const seq of [1, 2, 4, 4]) d.onDelivery('devices/m-1/status', msg(seq), 4000);
    expect([d.delivered, d.gaps, d.duplicates]).toEqual([4, 1, 1]);
    expect(rec.snapshot().hists[H.mqtt_e2e_delivery_duration_us]?.counts).toEqual([4]);
    expect(d.carriesMarkers(msg(5), undefined)).toBe(true);
  });

  it('reads a marker at the start, and none right after another placeholder', () => {
    expect(compilePayload({ text: '{seq} up' }, 'p').textMarkers).toEqual({ seq: '' });
    expect(compilePayload({ text: 'x{id}{seq}' }, 'p').textMarkers).toEqual({});
    const d = new DeliverySequence(new Recorder(), { sentAt: [], seq: [], text: { sentAt: [], seq: [''] } });
    for (const seq of [1, 3]) d.onDelivery('t', Buffer.from(`${seq} up`), 0);
    expect(d.gaps).toBe(1);
  });
});
