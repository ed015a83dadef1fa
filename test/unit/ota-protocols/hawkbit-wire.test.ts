// hawkBit DDI wire details without sockets: polling.sleep both ways, the feedback of each report
// state and what the server reads back from it, and the request pattern virtual mode models.
import { describe, expect, it } from 'vitest';
import { cancelConfirmation, deskStateOf, feedbackOf } from '../../../src/ota-protocols/hawkbit/feedback.js';
import { DeviceBits } from '../../../src/ota-protocols/hawkbit/device-bits.js';
import { hawkbitPattern } from '../../../src/ota-protocols/hawkbit/pattern.js';
import { formatPollingSleep, parsePollingSleepMs } from '../../../src/ota-protocols/hawkbit/polling-sleep.js';
import { ALL_REPORT_STATES } from '../../../src/ota-protocols/types.js';

describe('hawkBit polling.sleep', () => {
  it('reads HH:MM:SS into ms and writes it back', () => {
    expect(parsePollingSleepMs('00:05:00')).toBe(300_000);
    expect(parsePollingSleepMs('12:00:00')).toBe(43_200_000);
    expect(parsePollingSleepMs('100:00:01')).toBe(360_001_000);
    expect(formatPollingSleep(90_000)).toBe('00:01:30');
    expect(formatPollingSleep(1)).toBe('00:00:01');
    expect(formatPollingSleep(360_001_000)).toBe('100:00:01');
  });

  it('refuses what is not HH:MM:SS', () => {
    for (const bad of ['5:00', '00:60:00', '00:00:5', 'HH:MM:SS', 300, null, undefined])
      expect(parsePollingSleepMs(bad)).toBeNull();
  });
});

describe('hawkBit feedback', () => {
  it('each report state reads back as the same desk state', () => {
    for (const state of ALL_REPORT_STATES) expect(deskStateOf(feedbackOf(state))).toBe(state);
  });

  it('closed carries success or failure, and the reason goes to details', () => {
    expect(feedbackOf('success').status).toMatchObject({
      execution: 'closed',
      result: { finished: 'success' },
    });
    const failed = feedbackOf('failure', 'rolled back', 1_000.4);
    expect(failed).toEqual({
      timestamp: 1000,
      status: {
        execution: 'closed',
        result: { finished: 'failure', progress: { cnt: 5, of: 5 } },
        details: ['rolled back'],
      },
    });
    expect(feedbackOf('downloading').status.execution).toBe('download');
  });

  it('the server reads other clients’ feedback too: rejected changes nothing, canceled aborts', () => {
    const of = (execution: 'rejected' | 'canceled' | 'scheduled' | 'resumed') => ({
      status: { execution, result: { finished: 'none' as const } },
    });
    expect(deskStateOf(of('rejected'))).toBeNull();
    expect(deskStateOf(of('canceled'))).toBe('aborted');
    expect(deskStateOf(of('scheduled'))).toBe('downloaded');
    expect(deskStateOf(of('resumed'))).toBe('installing');
    expect(cancelConfirmation().status).toMatchObject({
      execution: 'closed',
      result: { finished: 'success' },
    });
  });
});

describe('hawkBit request pattern', () => {
  it('one poll per check, one feedback per state, configData per boot, deploymentBase per offer, the poll period from polling.sleep', () => {
    expect(hawkbitPattern(300e6)).toEqual({
      perCheck: { check: 1 },
      perReport: { report: 1 },
      perBoot: { inventory: 1 },
      perOffer: { deployment: 1 },
      reports: ALL_REPORT_STATES,
      pollIntervalUs: 300e6,
      transport: 'http',
    });
    expect(hawkbitPattern(null).pollIntervalUs).toBeNull();
  });
});

describe('DeviceBits', () => {
  it('keeps one flag per device index and grows past its first size', () => {
    const bits = new DeviceBits();
    for (const i of [0, 7, 8, 8191, 8192, 1_000_003]) bits.set(i, true);
    for (const i of [0, 7, 8, 8191, 8192, 1_000_003]) expect(bits.has(i)).toBe(true);
    for (const i of [1, 9, 8190, 8193, 1_000_002, 5_000_000]) expect(bits.has(i)).toBe(false);
    bits.set(8, false);
    expect(bits.has(8)).toBe(false);
    expect(bits.has(7)).toBe(true);
    bits.clear();
    expect(bits.has(1_000_003)).toBe(false);
  });
});
