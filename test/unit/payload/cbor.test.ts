// CBOR payload templates: decoded by an independent decoder (cborg), they hold the very values
// the same template renders as JSON for the same seed; same seed ⇒ same bytes; numbers take
// their shortest exact form; the subscriber's top-level reader finds the marker fields.
import { decode } from 'cborg';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cborTopLevelNumber, isCborMap } from '../../../src/live/cbor-markers.js';
import { cborText, CborWriter } from '../../../src/payload/cbor.js';
import { compilePayload, type PayloadTemplate } from '../../../src/payload/compile.js';
import { DevicePayloads, sampleSizeBytes } from '../../../src/payload/device-payloads.js';
import { toolErrorOf } from '../../helpers/tool-error.js';

const EPOCH_MS = Date.UTC(2026, 0, 1);

const TEMPLATE = {
  id: { device: 'id' },
  fw: { device: 'firmware' },
  idx: { device: 'index' },
  bat: { device: 'battery' },
  t: { uniform: { min: -40, max: 40 } },
  h: { normal: { mean: 50, stddev: 5, decimals: 4 } },
  w: { walk: { start: 10, step: 1, min: 0, max: 20 } },
  s: { sine: { min: 0, max: 10, 'period-s': 3600 } },
  n: { counter: { start: 100, step: 2 } },
  st: { pick: ['ok', 'warn', 7, { deep: [true, null] }] },
  at: { timestamp: 'iso' },
  ms: { timestamp: 'epoch-ms' },
  sec: { timestamp: 'epoch-s' },
  tags: ['a', { pick: [1, 2] }, 2.5, -3, 1e10, 'ü°'],
  fixed: { nested: true, none: null, neg: -100000, big: 5_000_000_000 },
  ts: { fleetstorm: 'sent-at' },
  seq: { fleetstorm: 'seq' },
};

function payloads(t: PayloadTemplate, seed: number, count: number, sentAtUs = 5e6): Buffer[] {
  const p = new DevicePayloads(compilePayload(t, 'p'), 8, seed, 0, EPOCH_MS);
  const out: Buffer[] = [];
  for (let i = 0; i < count; i++) {
    const facts = { id: 'meter-3', index: 3, type: 'meter', firmware: '1.2.0', batteryPct: 87.25 };
    const { payload } = p.nextPayload(3, { ...facts, tUs: i * 60e6, sentAtUs: sentAtUs + i });
    out.push(Buffer.from(payload)); // the CBOR view is reused by the next publish
  }
  return out;
}

/** A decoder may give 64-bit integers as BigInt (cborg does past 2^53); JSON.parse gives numbers. */
function numbers(v: unknown): unknown {
  if (typeof v === 'bigint') return Number(v);
  if (Array.isArray(v)) return v.map(numbers);
  if (typeof v === 'object' && v !== null)
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, numbers(x)]));
  return v;
}

describe('CBOR payload templates', () => {
  it('decode (cborg) to the values the JSON template renders for the same seed', () => {
    const cbor = payloads({ cbor: TEMPLATE }, 42, 40);
    const json = payloads({ json: TEMPLATE }, 42, 40);
    for (let i = 0; i < cbor.length; i++) {
      expect(numbers(decode(cbor[i] as Buffer))).toEqual(JSON.parse((json[i] as Buffer).toString()));
    }
    expect(cbor[0]?.length).toBeLessThan(json[0]?.length ?? 0);
  });

  it('gives the same bytes for the same seed, others for another seed', () => {
    const a = payloads({ cbor: TEMPLATE }, 7, 20);
    expect(payloads({ cbor: TEMPLATE }, 7, 20)).toEqual(a);
    expect(payloads({ cbor: TEMPLATE }, 8, 20)).not.toEqual(a);
  });

  it('writes integers in their shortest head and floats as float32 only when exact', () => {
    const enc = (v: unknown): string => {
      const w = new CborWriter();
      w.value(v);
      return w.view().toString('hex');
    };
    expect(enc(23)).toBe('17');
    expect(enc(24)).toBe('1818');
    expect(enc(65_535)).toBe('19ffff');
    expect(enc(2 ** 32)).toBe('1b0000000100000000');
    expect(enc(-1)).toBe('20');
    expect(enc(-500)).toBe('3901f3');
    expect(enc(1.5)).toBe('fa3fc00000');
    expect(enc(0.1)).toBe('fb3fb999999999999a');
    expect(enc({ a: [true, null] })).toBe('a16161' + '82f5f6');
    // a send time past 2^32 µs goes out as a 64-bit integer and stays exact
    const small = payloads({ cbor: { ts: { fleetstorm: 'sent-at' } } }, 1, 1, 4_000_000_000)[0] as Buffer;
    expect(decode(small)).toEqual({ ts: 4_000_000_000 });
    const big = payloads({ cbor: { ts: { fleetstorm: 'sent-at' } } }, 1, 1, 2 ** 40)[0] as Buffer;
    expect(big[1 + 1 + 2]).toBe(0x1b); // major type 0, 8-byte argument
    expect(decode(big)).toEqual({ ts: 2 ** 40 });
  });

  it('grows its scratch buffer for a large payload', () => {
    const long = 'x'.repeat(5000);
    const [p] = payloads({ cbor: { a: long, b: { device: 'id' } } }, 1, 1);
    expect(decode(p as Buffer)).toEqual({ a: long, b: 'meter-3' });
    expect(sampleSizeBytes(compilePayload({ cbor: { a: long } }, 'p'), 'meter')).toBe((p?.length ?? 0) - 10);
  });

  it('names the marker keys, and the subscriber reads them from the top-level map only', () => {
    const t = {
      cbor: { inner: { seq: 99, ts: 1 }, ts: { fleetstorm: 'sent-at' }, n: { fleetstorm: 'seq' } },
    };
    const program = compilePayload(t, 'p');
    expect(program.markerKeys).toEqual({ 'sent-at': 'ts', seq: 'n' });
    const [first, second] = payloads(t, 1, 2);
    expect(isCborMap(first as Buffer)).toBe(true);
    expect(cborTopLevelNumber(first as Buffer, [cborText('n')])).toBe(1);
    expect(cborTopLevelNumber(second as Buffer, [cborText('n')])).toBe(2);
    expect(cborTopLevelNumber(second as Buffer, [cborText('ts')])).toBe(5e6 + 1);
    expect(cborTopLevelNumber(second as Buffer, [cborText('seq')])).toBeNull();
  });

  it('refuses a bad generator with its cbor path', async () => {
    const e = await toolErrorOf(() => compilePayload({ cbor: { a: { uniform: { min: 1 } } } }, 'x'));
    expect(e.code).toBe('FLEETSTORM_ERR_SCENARIO_INVALID');
    expect(e.where).toBe('x.cbor.a.uniform.max');
  });
});

describe('CborWriter against an independent decoder', () => {
  it('writes any JSON value so that cborg decodes the same value', () => {
    fc.assert(
      // a `__proto__` key does not survive decoding into a plain object: not the writer's to check
      fc.property(
        fc.jsonValue().filter((v) => !JSON.stringify(v).includes('"__proto__"')),
        (v) => {
          const w = new CborWriter();
          expect(w.value(v)).toBe(true);
          // JSON has one zero: -0 goes out as the integer 0
          expect(numbers(decode(w.view()))).toEqual(JSON.parse(JSON.stringify(v)));
        },
      ),
      { numRuns: 500 },
    );
  });
});
