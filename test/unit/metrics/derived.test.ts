import { describe, expect, it } from 'vitest';
import { Aggregator } from '../../../src/metrics/aggregate.js';
import { C, CONN_STATES, H, OS, OTA_STATES } from '../../../src/metrics/catalog.js';
import { explainMissingDerived, quorumDevices, valueAtRank } from '../../../src/metrics/derived.js';
import { newHistogram, Recorder } from '../../../src/metrics/recorder.js';
import { INTERVAL_US } from '../reports/fixtures.js';

const SEC = 1_000_000;

function aggWith(fill: (rec: Recorder) => void, devices = 100): Aggregator {
  const rec = new Recorder();
  fill(rec);
  const agg = new Aggregator({ intervalUs: INTERVAL_US, devices });
  agg.add(0, rec.snapshot());
  return agg;
}

/** tracked devices, of which `reconnected` came back after 1 s, 2 s, ... */
function outage(tracked: number, reconnected: number): Aggregator {
  return aggWith((rec) => {
    rec.add(C.outage_tracked_devices_total, tracked);
    for (let i = 1; i <= reconnected; i++) rec.record(H.outage_reconnect_duration_us, i * SEC);
  });
}

describe('failure ratios', () => {
  it('divides failures of every reason by attempts', () => {
    const agg = aggWith((rec) => {
      rec.add(C.mqtt_connect_attempts_total, 200);
      rec.add(C['mqtt_connect_failed_total{reason="timeout"}'], 3);
      rec.add(C['mqtt_connect_failed_total{reason="rejected"}'], 7);
      rec.add(C.mqtt_publish_total, 1000);
      rec.add(C['mqtt_publish_failed_total{reason="lost"}'], 10);
      rec.add(C.ota_offered_total, 50);
      rec.add(C['ota_failed_total{reason="verify"}'], 2);
      rec.add(C['ota_failed_total{reason="power"}'], 1);
      rec.add(C.ota_gave_up_total, 1);
      rec.add(C.ota_rolled_back_total, 1);
      rec.add(C.ota_bricked_total, 1);
    });
    expect(agg.derived('connect_failure_ratio')).toBe(10 / 200);
    expect(agg.derived('publish_failure_ratio')).toBe(10 / 1000);
    // devices that ended badly (gave up, rolled back, bricked), not the 3 failed attempts
    expect(agg.derived('ota_failure_ratio')).toBe(3 / 50);
    expect(agg.derived('devices_total')).toBe(100);
  });

  it('is null when nothing was attempted', () => {
    const agg = aggWith(() => {});
    expect(agg.derived('connect_failure_ratio')).toBeNull();
    expect(agg.derived('publish_failure_ratio')).toBeNull();
    expect(agg.derived('ota_failure_ratio')).toBeNull();
    expect(explainMissingDerived('ota_failure_ratio', agg)).toBe('no updates offered');
  });
});

describe('fleet_recovery_duration_us', () => {
  it('is the time by which 99% of the tracked devices were back', () => {
    // 100 tracked, all back after 1..100 s: the 99th device came back at 99 s.
    const v = outage(100, 100).derived('fleet_recovery_duration_us');
    const h = newHistogram();
    h.recordValue(99 * SEC);
    expect(v).toBe(h.getValueAtPercentile(100));
  });

  it('uses the formula value at percentile 100 × 0.99 × tracked / reconnected', () => {
    // 200 tracked, 198 back: the quorum is 198 devices, i.e. the 100th percentile of the 198.
    const agg = outage(200, 198);
    const v = agg.derived('fleet_recovery_duration_us');
    expect(v).toBe(
      agg.histogram('outage_reconnect_duration_us').getValueAtPercentile((100 * 0.99 * 200) / 198),
    );
    expect(v).toBe(valueAtRank(agg.histogram('outage_reconnect_duration_us'), 198));
  });

  it('is null when fewer than 99% came back, with a reason', () => {
    const agg = outage(200, 197);
    expect(agg.derived('fleet_recovery_duration_us')).toBeNull();
    expect(explainMissingDerived('fleet_recovery_duration_us', agg)).toBe(
      'only 197 of 200 tracked devices reconnected after the outage (99% needs 198)',
    );
  });

  it('rounds the quorum up to whole devices', () => {
    expect(quorumDevices(60)).toBe(60); // 59.4 devices → 60
    expect(quorumDevices(300)).toBe(297); // no float overshoot to 298
    expect(quorumDevices(1000)).toBe(990);
    expect(outage(60, 59).derived('fleet_recovery_duration_us')).toBeNull();
    expect(outage(60, 60).derived('fleet_recovery_duration_us')).not.toBeNull();
  });

  it('is null without an outage', () => {
    const agg = outage(0, 0);
    expect(agg.derived('fleet_recovery_duration_us')).toBeNull();
    expect(explainMissingDerived('fleet_recovery_duration_us', agg)).toBe('no outage with connected devices');
  });
});

describe('fleet convergence and on-target ratio', () => {
  function rollout(targeted: number, committed: number): Aggregator {
    return aggWith((rec) => {
      rec.add(C.ota_targeted_total, targeted);
      for (let i = 1; i <= committed; i++) rec.record(H.ota_commit_since_rollout_start_us, i * 60 * SEC);
    });
  }

  it('measures convergence against the targeted devices at 99%', () => {
    const agg = rollout(100, 100);
    expect(agg.derived('fleet_convergence_duration_us')).toBe(
      valueAtRank(agg.histogram('ota_commit_since_rollout_start_us'), 99),
    );
    expect(rollout(100, 98).derived('fleet_convergence_duration_us')).toBeNull();
  });

  it('takes the last on-target point, or committed devices over targeted', () => {
    const agg = rollout(100, 90);
    expect(agg.derived('fleet_on_target_ratio')).toBeNull();
    const ota = OTA_STATES.map(() => 0);
    ota[OS.committed] = 90;
    agg.setStates(
      0,
      CONN_STATES.map(() => 0),
      ota,
    );
    expect(agg.derived('fleet_on_target_ratio')).toBe(0.9);
    agg.setOnTargetRatio(0, 0.8);
    agg.setOnTargetRatio(2, 0.85);
    expect(agg.derived('fleet_on_target_ratio')).toBe(0.85);
  });

  it('is null without a rollout', () => {
    const agg = rollout(0, 0);
    agg.setOnTargetRatio(0, 0.5);
    expect(agg.derived('fleet_on_target_ratio')).toBeNull();
    expect(agg.derived('fleet_convergence_duration_us')).toBeNull();
  });
});

describe('fleet_online_ratio', () => {
  it('is the online share (connected or asleep) at the latest barrier, null before the first', () => {
    const agg = aggWith(() => {}, 200);
    expect(agg.derived('fleet_online_ratio')).toBeNull();
    expect(explainMissingDerived('fleet_online_ratio', agg)).toContain('no interval');
    const conn = CONN_STATES.map(() => 0);
    conn[CONN_STATES.indexOf('connected')] = 150;
    conn[CONN_STATES.indexOf('backoff')] = 50;
    agg.setStates(
      0,
      conn,
      OTA_STATES.map(() => 0),
    );
    expect(agg.derived('fleet_online_ratio')).toBe(0.75);
    conn[CONN_STATES.indexOf('connected')] = 90;
    conn[CONN_STATES.indexOf('sleeping')] = 100; // duty-cycled devices between wakes count
    conn[CONN_STATES.indexOf('backoff')] = 10;
    agg.setStates(
      1,
      conn,
      OTA_STATES.map(() => 0),
    );
    expect(agg.derived('fleet_online_ratio')).toBe(0.95);
  });
});
