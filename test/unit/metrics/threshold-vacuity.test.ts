// A threshold whose subject never happened is a verdict of its own: "no data: <why>", failing
// unless the threshold says allow-empty.
import { describe, expect, it } from 'vitest';
import { Aggregator } from '../../../src/metrics/aggregate.js';
import { C, H } from '../../../src/metrics/catalog.js';
import { Recorder } from '../../../src/metrics/recorder.js';
import { evaluateThresholds } from '../../../src/metrics/thresholds.js';
import { resolveThresholds } from '../../../src/scenario/resolve-thresholds.js';

function metrics(offered: number): Aggregator {
  const rec = new Recorder();
  rec.add(C.devices_powered_on_total, 10);
  rec.add(C.mqtt_connect_attempts_total, 10);
  rec.add(C.mqtt_connect_success_total, 10);
  rec.record(H.mqtt_connect_duration_us, 100_000);
  rec.add(C.ota_targeted_total, 9);
  if (offered > 0) rec.add(C.ota_offered_total, offered);
  const agg = new Aggregator({ intervalUs: 60_000_000, devices: 10 });
  agg.add(0, rec.snapshot());
  return agg;
}

describe('thresholds on what never happened', () => {
  it('fails ota_bricked_total == 0 when no device was offered the update', () => {
    const [r] = evaluateThresholds([{ expr: 'ota_bricked_total == 0', abortOnFail: false }], metrics(0));
    expect(r).toMatchObject({ ok: false, observed: null });
    expect(r?.message).toBe(
      'ota_bricked_total: no data: no device was offered the update (ota_offered_total = 0); limit == 0',
    );
  });

  it('passes it once devices were offered the update', () => {
    const [r] = evaluateThresholds([{ expr: 'ota_bricked_total == 0', abortOnFail: false }], metrics(3));
    expect(r).toMatchObject({ ok: true, observed: 0 });
  });

  it('passes on no data with allow-empty: true, and says so', () => {
    const configs = resolveThresholds(
      [{ expr: 'ota_bricked_total == 0', abort: false, 'allow-empty': true }],
      (p) => p,
    );
    const [r] = evaluateThresholds(configs, metrics(0));
    expect(r).toMatchObject({ ok: true, observed: null });
    expect(r?.message).toContain('no data: no device was offered the update');
    expect(r?.message).toContain('allow-empty');
  });

  it('reads zero samples as no data for count() too', () => {
    const [r] = evaluateThresholds(
      [{ expr: 'count(ota_download_duration_us) == 0', abortOnFail: false }],
      metrics(0),
    );
    expect(r).toMatchObject({ ok: false, observed: null });
    expect(r?.message).toContain('no data: no values recorded in ota_download_duration_us');
  });

  it('fails outage thresholds when no outage happened', () => {
    const [r] = evaluateThresholds(
      [{ expr: 'outage_not_reconnected_total == 0', abortOnFail: false }],
      metrics(0),
    );
    expect(r).toMatchObject({ ok: false, observed: null });
    expect(r?.message).toContain('no data: no outage with connected persistent devices');
  });
});
