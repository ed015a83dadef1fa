// Operations end to end in live mode: against the embedded backend, thresholds gate on the
// answered share and the reply latency (exit 0 when every device answers in time, exit 1 when the
// devices answer after the operation's timeout) and the outcomes file names each unanswered
// device; the shipped scenarios/fleet-commands.yaml (MQTT 5 devices) runs live against mosquitto
// over two processes and sends the commands virtual mode sends.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { mosquittoInstalled, startMosquitto, type MosquittoHandle } from '../../bench/lib/mosquitto.js';
import { runCli } from '../helpers/cli.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function scenario(replyDelay: string): { path: string; out: string } {
  const d = mkdtempSync(join(tmpdir(), 'fleetstorm-commands-'));
  dirs.push(d);
  const path = join(d, 'commands.yaml');
  writeFileSync(
    path,
    `name: live-commands
mode: live
duration: 2m
live: { speed: 30 }
power-on: { spread: 10s }
fleet:
  - count: 40
    device:
      name: meter
      extends: gateway
      telemetry: { interval: 10m }
      commands: { topic: 'meters/{id}/cmd', reply-delay: ${replyDelay} }
operations:
  - { at: 1m, name: config-push, command: { name: set-config, args: { level: 3 } }, rate: 100/s, timeout: 30s }
thresholds:
  - command_answered_ratio > 99%
  - p99(command_reply_duration_us) < 5s
`,
  );
  return { path, out: join(d, 'out') };
}

describe('live operations and thresholds', () => {
  it('exit 0: every device answers in time', async () => {
    const { path, out } = scenario('100ms..1s');
    const r = await runCli(['run', path, '--quiet', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as {
      thresholds: { expr: string; ok: boolean }[];
    };
    expect(report.thresholds.map((t) => t.ok)).toEqual([true, true]);
  }, 60_000);

  it('exit 1: devices that answer after the timeout fail the answered share', async () => {
    const { path, out } = scenario('45s');
    const r = await runCli(['run', path, '--quiet', '--out', out]);
    expect(r.code, r.stderr).toBe(1);
    const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as {
      thresholds: { expr: string; ok: boolean }[];
    };
    expect(report.thresholds[0]?.ok).toBe(false);
    const outcomes = readFileSync(join(out, 'outcomes.ndjson'), 'utf8').trim().split('\n');
    expect(outcomes).toHaveLength(40);
    expect(outcomes.every((l) => l.includes('"outcome":"command-unanswered"'))).toBe(true);
  }, 60_000);
});

describe.skipIf(!mosquittoInstalled() || process.env.FLEETSTORM_SKIP_MOSQUITTO === '1')(
  'scenarios/fleet-commands.yaml live',
  () => {
    let broker: MosquittoHandle | null = null;
    afterEach(async () => {
      await broker?.stop();
      broker = null;
    });

    it('runs over 2 processes against mosquitto: the commands virtual mode sends, all answered', async () => {
      broker = await startMosquitto();
      const d = mkdtempSync(join(tmpdir(), 'fleetstorm-fleet-commands-'));
      dirs.push(d);
      const counters = (out: string): Record<string, number> =>
        (
          JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as {
            metrics: { counters: Record<string, number> };
          }
        ).metrics.counters;
      const common = [
        'run',
        'scenarios/fleet-commands.yaml',
        '--devices',
        '400',
        '--duration',
        '21m',
        '--quiet',
      ];
      const live = await runCli([
        ...common,
        ...['--mode', 'live', '--processes', '2', '--speed', '120', '--target-mqtt', broker.url],
        ...['--out', join(d, 'live')],
      ]);
      expect(live.code, live.stderr + live.stdout).toBe(0);
      const virtual = await runCli([...common, '--mode', 'virtual', '--out', join(d, 'virtual')]);
      expect(virtual.code, virtual.stderr).toBe(0);
      const c = counters(join(d, 'live'));
      const sent = c['command_sent_total'] ?? 0;
      // config-push 20% and update-check 10% of 400 devices, drawn per device: the same ones in both modes
      expect(sent).toBeGreaterThan(80);
      expect(sent).toBe(counters(join(d, 'virtual'))['command_sent_total']);
      expect(c['command_received_total']).toBe(sent);
      const replied =
        (c['command_replied_total{result="ok"}'] ?? 0) + (c['command_replied_total{result="error"}'] ?? 0);
      expect(replied).toBe(sent);
    }, 90_000);
  },
);
