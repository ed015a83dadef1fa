// Virtual mode models operator commands: the operator's publishes paced over the selected
// devices, the broker's fan-out rate, delivery to connected devices (and to persistent sessions
// at reconnect), drawn reply delays and failures, effects on the device, unanswered commands.
import { describe, expect, it } from 'vitest';
import { runResolved } from '../../src/app/run.js';
import type { Report } from '../../src/reports/report-types.js';
import { resolveScenarioObject } from '../../src/scenario/index.js';

const COMMANDS = {
  topic: 'devices/{id}/cmd',
  'reply-delay': '50ms..500ms',
  actions: { reboot: 'reboot', 'set-interval': 'telemetry-interval', 'check-update': 'ota-check' },
};

interface Opts {
  device?: Record<string, unknown>;
  commands?: Record<string, unknown>;
  operation?: Record<string, unknown>;
  operations?: Record<string, unknown>[];
  doc?: Record<string, unknown>;
  devices?: number;
  workers?: number;
}

async function run(o: Opts = {}): Promise<Report> {
  const doc = {
    name: 'virtual-commands',
    seed: 5,
    workers: o.workers ?? 1,
    duration: '30m',
    fleet: [
      {
        device: {
          name: 'dev',
          extends: 'gateway',
          telemetry: { interval: '1m' },
          commands: { ...COMMANDS, ...o.commands },
          ...o.device,
        },
        count: o.devices ?? 1000,
      },
    ],
    operations: o.operations ?? [
      { at: '5m', command: { name: 'ping' }, who: '100%', rate: '500/s', ...o.operation },
    ],
    ...o.doc,
  };
  const s = await resolveScenarioObject(doc, 'virtual-commands (in memory)', { env: {} });
  const { report } = await runResolved(s, { noFiles: true });
  expect(report.statusReason).toBeNull();
  return report;
}

const c = (r: Report, n: string): number => r.metrics.counters[n] ?? 0;
const replied = (r: Report): number =>
  c(r, 'command_replied_total{result="ok"}') + c(r, 'command_replied_total{result="error"}');
const p99 = (r: Report, h: string): number => r.metrics.histograms[h]?.p99Us ?? 0;

describe('virtual mode: operator commands', () => {
  it('every connected device receives and answers; the operator paces its publishes at `rate`', async () => {
    const r = await run();
    expect(c(r, 'command_sent_total')).toBe(1000);
    expect(c(r, 'command_received_total')).toBe(1000);
    expect(replied(r)).toBe(1000);
    expect(c(r, 'command_unanswered_total')).toBe(0);
    expect(r.metrics.derived.command_answered_ratio).toBe(1);
    // 1000 publishes at 500/s leave over 2 s: the reply latency is the device's, not the pacing
    expect(p99(r, 'command_reply_duration_us')).toBeLessThan(2e6);
    expect(r.commands?.operations[0]?.answered99Us).not.toBeNull();
    expect(r.commands?.answeredShare.at(-1)).toBe(1);
  });

  it('`who` picks a share or an exact count of the fleet', async () => {
    expect(c(await run({ operation: { who: { count: 250 } } }), 'command_sent_total')).toBe(250);
    const share = c(await run({ operation: { who: '30%' } }), 'command_sent_total');
    expect(share).toBeGreaterThan(240);
    expect(share).toBeLessThan(360);
  });

  it('the failure share answers with errors, listed per device in the outcomes', async () => {
    const r = await run({ commands: { failure: '20%' } });
    const errors = c(r, 'command_replied_total{result="error"}');
    expect(errors).toBeGreaterThan(140);
    expect(errors).toBeLessThan(260);
    expect(r.outcomes.total).toBe(errors);
    expect(r.outcomes.sample[0]).toMatchObject({ outcome: 'command-error', operation: 'op0' });
    expect(r.commands?.operations[0]?.errors).toBe(errors);
  });

  it('a slow broker fan-out queues the commands (backend.fanout.rate)', async () => {
    const fast = await run({ operation: { rate: '10000/s' } });
    const slow = await run({
      operation: { rate: '10000/s' },
      doc: { backend: { fanout: { rate: '100/s' } } },
    });
    expect(replied(slow)).toBe(1000);
    // 1000 deliveries at 100/s: the last waits about 10 s
    expect(p99(slow, 'command_fanout_duration_us')).toBeGreaterThan(8e6);
    expect(p99(fast, 'command_fanout_duration_us')).toBeLessThan(1e6);
  });

  it('offline devices miss it with a clean session and get it at reconnect with a persistent one', async () => {
    const outage = { faults: [{ type: 'power-loss', who: '40%', at: '4m', duration: '10m' }] };
    const clean = await run({
      doc: outage,
      operation: { timeout: '20m' },
      device: { connectivity: { 'clean-session': true } },
    });
    const kept = await run({
      doc: outage,
      operation: { timeout: '20m' },
      device: { connectivity: { 'clean-session': false } },
    });
    const missed = c(clean, 'command_unanswered_total');
    expect(missed).toBeGreaterThan(300);
    expect(missed).toBeLessThan(500);
    expect(replied(clean) + missed).toBe(1000);
    expect(c(kept, 'command_unanswered_total')).toBe(0);
    expect(replied(kept)).toBe(1000);
    // the held commands arrived after the power came back, minutes later
    expect(p99(kept, 'command_fanout_duration_us')).toBeGreaterThan(5 * 60e6);
    expect(clean.outcomes.sample[0]?.outcome).toBe('command-unanswered');
  });

  it('a reply later than the timeout is unanswered', async () => {
    const r = await run({ commands: { 'reply-delay': '2s..3s' }, operation: { timeout: '1s' } });
    expect(c(r, 'command_received_total')).toBe(1000);
    expect(c(r, 'command_unanswered_total')).toBe(1000);
    expect(r.metrics.derived.command_answered_ratio).toBe(0);
  });

  it('effects: a longer telemetry interval, a reboot, an update check', async () => {
    const base = await run();
    const slower = await run({ operation: { command: { name: 'set-interval', args: { interval: '10m' } } } });
    // 25 of 30 minutes at a tenth of the rate
    expect(c(slower, 'mqtt_publish_total')).toBeLessThan(0.4 * c(base, 'mqtt_publish_total'));
    const rebooted = await run({ operation: { command: { name: 'reboot' } } });
    expect(c(rebooted, 'mqtt_connect_success_total') - c(base, 'mqtt_connect_success_total')).toBe(1000);
    expect(c(rebooted, 'mqtt_wills_received_total')).toBe(0); // a clean DISCONNECT
    const checked = await run({ operation: { command: { name: 'check-update' } } });
    expect(c(checked, 'http_checkin_total') - c(base, 'http_checkin_total')).toBe(1000);
  });

  it('commands without operations change nothing: the same events and metrics as without', async () => {
    const withCommands = await run({ operations: [] });
    const without = await run({ operations: [], device: { commands: undefined } });
    expect(withCommands.run.eventsProcessed).toBe(without.run.eventsProcessed);
    expect(withCommands.metrics.counters).toEqual(without.metrics.counters);
    expect(withCommands.metrics.histograms).toEqual(without.metrics.histograms);
    expect(withCommands.commands).toBeUndefined();
  });

  it('operations in order: a device answers each command it is sent', async () => {
    const r = await run({
      operations: [
        { at: '5m', command: { name: 'ping' }, who: '50%', rate: '1000/s' },
        { at: '5m', command: { name: 'ping' }, who: '50%', rate: '1000/s' },
        { at: '20m', command: { name: 'ping' }, rate: '1000/s' },
      ],
    });
    expect(c(r, 'command_sent_total')).toBeGreaterThan(1800);
    expect(replied(r)).toBe(c(r, 'command_sent_total'));
  });
});
