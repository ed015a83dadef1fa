// Operator commands against mosquitto: 1,000 devices answer an operator's command, and the
// replies the operator counted are what an independent mosquitto_sub (spawned here) saw on the
// reply topics; the failure share is honoured; an accepted reboot reconnects the device; a
// telemetry-interval command changes how often the device publishes; an ota-check command makes
// it check in with the embedded backend now.
import { describe, expect, it } from 'vitest';
import { runLive } from '../../../src/app/live-engine.js';
import { resolveScenarioObject } from '../../../src/scenario/index.js';
import { mosquittoInstalled } from '../../../bench/lib/mosquitto.js';
import { mosquittoForTest, observedUntilFinished } from '../../helpers/mosquitto-sub.js';

interface Opts {
  count: number;
  commands: Record<string, unknown>;
  operations: Record<string, unknown>[];
  protocol?: '3.1.1' | '5';
  duration?: string;
  speed?: number;
  spread?: string;
  telemetry?: Record<string, unknown>;
}

function scenario(url: string, o: Opts) {
  const doc = {
    name: 'commands-test',
    seed: 7,
    mode: 'live',
    duration: o.duration ?? '2m',
    fleet: [
      {
        count: o.count,
        device: {
          name: 'cmd-gw',
          extends: 'gateway',
          radio: { profile: 'ethernet' },
          connectivity: { protocol: o.protocol ?? '3.1.1' },
          telemetry: o.telemetry ?? { interval: '10m' },
          commands: o.commands,
        },
      },
    ],
    'power-on': { spread: o.spread ?? '10s' },
    live: { speed: o.speed ?? 30 },
    operations: o.operations,
  };
  return resolveScenarioObject(doc, 'commands (in memory)', { env: {}, overrides: { targetMqtt: [url] } });
}

const replies = (lines: string[]) => lines.filter((l) => /^cmd\/cmd-gw-\d+\/reply /.test(l));

describe.skipIf(!mosquittoInstalled() || process.env.FLEETSTORM_SKIP_MOSQUITTO === '1')(
  'operator commands against mosquitto',
  () => {
    it('1,000 devices answer: replies counted = replies mosquitto_sub saw, failure share honoured', async () => {
      const broker = await mosquittoForTest();
      const s = await scenario(broker.url, {
        count: 1000,
        commands: {
          topic: 'cmd/{id}',
          'reply-topic': 'cmd/{id}/reply',
          'reply-delay': '100ms..2s',
          failure: '20%',
        },
        // speed 20: a loaded machine still connects and subscribes every device within the first minute
        speed: 20,
        operations: [
          { at: '1m', name: 'ping-all', command: { name: 'ping' }, rate: '2000/s', timeout: '2m' },
        ],
      });
      const watch = await observedUntilFinished(broker.port, 'cmd/+/reply', 'cmd/probe/reply');
      const r = await runLive(s, { workers: 1 });
      expect(r.status).toBe('completed');
      await new Promise((res) => setTimeout(res, 300));
      const seen = replies(watch.lines);
      const ok = r.agg.counter('command_replied_total{result="ok"}');
      const error = r.agg.counter('command_replied_total{result="error"}');
      expect(r.agg.counter('command_sent_total')).toBe(1000);
      expect(r.agg.counter('command_received_total')).toBe(1000);
      expect(ok + error).toBe(1000);
      expect(r.agg.counter('command_unanswered_total')).toBe(0);
      // independently: one reply per device on its own reply topic, results as counted
      expect(seen.length).toBe(1000);
      expect(new Set(seen.map((l) => l.split(' ')[0])).size).toBe(1000);
      expect(seen.filter((l) => l.includes('"result":"error"')).length).toBe(error);
      expect(error / 1000).toBeGreaterThan(0.15);
      expect(error / 1000).toBeLessThan(0.25);
      expect(r.agg.histogram('command_reply_duration_us').totalCount).toBe(1000);
      expect(r.agg.histogram('command_fanout_duration_us').totalCount).toBe(1000);
      // each error is in the outcomes, named by its operation
      const errs = r.outcomes.filter((o) => o.outcome === 'command-error');
      expect(errs.length).toBe(error);
      expect(errs.every((o) => o.operation === 'ping-all')).toBe(true);
    }, 60_000);

    it('MQTT 5 without a reply topic: commands ask for a response topic, each reply echoes the correlation data', async () => {
      const broker = await mosquittoForTest();
      const s = await scenario(broker.url, {
        count: 50,
        protocol: '5',
        commands: { topic: 'cmd/{id}', 'reply-delay': '1s' },
        operations: [{ at: '1m', command: { name: 'ping' } }],
      });
      expect(s.deviceTypes['cmd-gw']?.commands?.useResponseTopic).toBe(true);
      const watch = await observedUntilFinished(broker.port, 'cmd/+/reply', 'cmd/probe/reply', '%t %D %p');
      const r = await runLive(s, { workers: 1 });
      expect(r.status).toBe('completed');
      await new Promise((res) => setTimeout(res, 300));
      expect(r.agg.counter('command_replied_total{result="ok"}')).toBe(50);
      const seen = replies(watch.lines);
      expect(seen.length).toBe(50);
      // seen by mosquitto_sub: the reply echoes the command's correlation data (operation 0, device i)
      const echoed = /^cmd\/cmd-gw-(\d+)\/reply 0:\1 \{"id":"0:\1","result":"ok"\}$/;
      expect(seen.filter((l) => !echoed.test(l))).toEqual([]);
    }, 60_000);

    it('an accepted reboot reconnects the device; a telemetry-interval command slows its publishes', async () => {
      const broker = await mosquittoForTest();
      const commands = {
        topic: 'cmd/{id}',
        actions: { reboot: 'reboot', 'set-interval': 'telemetry-interval' },
      };
      const rebooted = await runLive(
        await scenario(broker.url, {
          count: 30,
          commands,
          duration: '3m',
          operations: [{ at: '1m', command: { name: 'reboot' } }],
        }),
        { workers: 1 },
      );
      expect(rebooted.status).toBe('completed');
      const ok = rebooted.agg.counter('command_replied_total{result="ok"}');
      expect(ok).toBe(30);
      // gateway reboot 30s..60s: every device is back within the run
      expect(rebooted.agg.counter('mqtt_connect_success_total')).toBe(30 + ok);
      const slowed = await runLive(
        await scenario(broker.url, {
          count: 20,
          commands,
          duration: '3m',
          telemetry: { interval: '10s' },
          operations: [{ at: '1m', command: { name: 'set-interval', args: { interval: '1m' } } }],
        }),
        { workers: 1 },
      );
      expect(slowed.agg.counter('command_replied_total{result="ok"}')).toBe(20);
      // 10s for the first minute (~6 each), then 1m (~2 each); unchanged it would be ~18 each
      const published = slowed.agg.counter('mqtt_publish_total');
      expect(published).toBeGreaterThan(20 * 5);
      expect(published).toBeLessThan(20 * 11);
    }, 60_000);

    it('who.state: only the devices connected when their command leaves are sent one', async () => {
      const broker = await mosquittoForTest();
      const s = await scenario(broker.url, {
        count: 40,
        spread: '2m', // about half the fleet is still off at 1m
        duration: '3m',
        commands: { topic: 'cmd/{id}' },
        operations: [{ at: '1m', command: { name: 'ping' }, who: { state: 'connected' }, rate: '10/s' }],
      });
      const r = await runLive(s, { workers: 1 });
      expect(r.status).toBe('completed');
      const sent = r.agg.counter('command_sent_total');
      expect(sent).toBeGreaterThan(8);
      expect(sent).toBeLessThan(32);
      expect(r.agg.counter('command_received_total')).toBe(sent);
      expect(r.agg.counter('command_replied_total')).toBe(sent);
    }, 60_000);
  },
);

describe('an ota-check command against the embedded backend', () => {
  it('starts an update check now: one check-in per accepted command', async () => {
    const doc = {
      name: 'commands-ota-check',
      seed: 9,
      mode: 'live',
      duration: '4m',
      fleet: [
        {
          count: 20,
          device: {
            name: 'chk-gw',
            extends: 'gateway',
            ota: { discovery: 'poll', 'check-interval': '1h' },
            telemetry: { interval: '10m' },
            commands: { topic: 'chk/{id}/cmd', actions: { 'check-update': 'ota-check' } },
          },
        },
      ],
      'power-on': { spread: '10s' },
      live: { speed: 30 },
      operations: [{ at: '2m', command: { name: 'check-update' } }],
    };
    const s = await resolveScenarioObject(doc, 'ota-check (in memory)', { env: {} });
    const r = await runLive(s, { workers: 1 });
    expect(r.status).toBe('completed');
    const ok = r.agg.counter('command_replied_total{result="ok"}');
    expect(ok).toBe(20);
    // without a rollout a device never polls on its own: each check-in is a command's
    expect(r.agg.counter('http_checkin_total')).toBe(ok);
  }, 60_000);
});
