// A second real broker: RabbitMQ's MQTT plugin (Debian rabbitmq-server, MQTT 3.1.1) started by
// the test on free loopback ports in a temporary folder (its own node name, Erlang port mapper
// and cookie), with one user per device. The right password from ${env:…} connects every device
// and what they publish arrives; a wrong one connects none.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runResolved } from '../../../src/app/run.js';
import { resolveScenarioObject } from '../../../src/scenario/index.js';
import { freePort } from '../../../bench/lib/mosquitto.js';

const RABBIT_BIN = '/usr/lib/rabbitmq/bin';
const installed = existsSync(join(RABBIT_BIN, 'rabbitmq-server'));
const DEVICES = 8;
const PASSWORD = 'rabbit-device-pw-42';

interface Rabbit {
  mqttUrl: string;
  ctl(args: string[]): void;
  stop(): Promise<void>;
}

function waitForPort(port: number, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const attempt = (): void => {
      if (child.exitCode !== null) return reject(new Error(`rabbitmq-server exited with ${child.exitCode}`));
      const s = net.connect({ host: '127.0.0.1', port });
      s.once('connect', () => {
        s.destroy();
        resolve();
      });
      s.once('error', () => {
        s.destroy();
        if (performance.now() > deadline) reject(new Error(`RabbitMQ MQTT did not listen on ${port}`));
        else setTimeout(attempt, 200);
      });
    };
    attempt();
  });
}

async function startRabbit(): Promise<Rabbit> {
  const dir = mkdtempSync(join(tmpdir(), 'fleetstorm-rabbitmq-'));
  const [nodePort, distPort, mqttPort, epmdPort] = [
    await freePort(),
    await freePort(),
    await freePort(),
    await freePort(),
  ];
  const node = `fleetstorm${nodePort}@localhost`;
  writeFileSync(join(dir, 'enabled_plugins'), '[rabbitmq_mqtt].\n');
  writeFileSync(
    join(dir, 'rabbitmq.conf'),
    [
      `listeners.tcp.default = 127.0.0.1:${nodePort}`,
      `mqtt.listeners.tcp.default = 127.0.0.1:${mqttPort}`,
      'mqtt.allow_anonymous = false',
      'loopback_users = none',
    ].join('\n') + '\n',
  );
  // HOME holds the Erlang cookie; ERL_EPMD_PORT keeps our port mapper apart from any other.
  const env = {
    ...process.env,
    HOME: dir,
    RABBITMQ_NODENAME: node,
    RABBITMQ_NODE_PORT: String(nodePort),
    RABBITMQ_DIST_PORT: String(distPort),
    RABBITMQ_MNESIA_BASE: join(dir, 'mnesia'),
    RABBITMQ_LOG_BASE: join(dir, 'log'),
    RABBITMQ_ENABLED_PLUGINS_FILE: join(dir, 'enabled_plugins'),
    RABBITMQ_CONFIG_FILE: join(dir, 'rabbitmq.conf'),
    RABBITMQ_PID_FILE: join(dir, 'pid'),
    ERL_EPMD_PORT: String(epmdPort),
  };
  const child = spawn(join(RABBIT_BIN, 'rabbitmq-server'), [], { env, stdio: 'ignore' });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const ctl = (args: string[]): void => {
    const r = spawnSync(join(RABBIT_BIN, 'rabbitmqctl'), ['-n', node, ...args], { env, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`rabbitmqctl ${args[0] ?? ''}: ${r.stderr}`);
  };
  const stop = async (): Promise<void> => {
    spawnSync(join(RABBIT_BIN, 'rabbitmqctl'), ['-n', node, 'stop'], { env, stdio: 'ignore' });
    if (child.exitCode === null) child.kill('SIGTERM');
    await exited;
    spawnSync('epmd', ['-port', String(epmdPort), '-kill'], { stdio: 'ignore' });
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitForPort(mqttPort, child, 60_000);
  } catch (e) {
    await stop();
    throw e;
  }
  return { mqttUrl: `mqtt://127.0.0.1:${mqttPort}`, ctl, stop };
}

async function run(url: string) {
  const s = await resolveScenarioObject(
    {
      name: 'rabbit',
      seed: 2,
      mode: 'live',
      duration: '3m',
      'power-on': { spread: '10s' },
      live: { speed: 60 },
      target: { mqtt: url },
      fleet: [
        {
          count: DEVICES,
          device: {
            name: 'meter',
            extends: 'gateway',
            telemetry: { interval: '20s' },
            connectivity: { 'client-id': '{id}', username: '{id}', password: '${env:FS_TEST_RABBIT_PW}' },
          },
        },
      ],
    },
    'rabbit (in memory)',
    { env: {} },
  );
  const { report } = await runResolved(s, { noFiles: true });
  expect(report.status).toBe('completed');
  return report.metrics.counters;
}

describe.skipIf(!installed)('RabbitMQ MQTT plugin (3.1.1, username/password)', () => {
  let rabbit: Rabbit | null = null;
  beforeAll(async () => {
    rabbit = await startRabbit();
    for (let i = 0; i < DEVICES; i++) {
      rabbit.ctl(['add_user', `meter-${i}`, PASSWORD]);
      rabbit.ctl(['set_permissions', '-p', '/', `meter-${i}`, '.*', '.*', '.*']);
    }
  }, 120_000);
  afterAll(async () => {
    await rabbit?.stop();
    delete process.env.FS_TEST_RABBIT_PW;
  }, 60_000);

  it('the right password connects every device; publishes are acked and delivered', async () => {
    process.env.FS_TEST_RABBIT_PW = PASSWORD;
    const c = await run((rabbit as Rabbit).mqttUrl);
    expect(c.mqtt_connect_success_total).toBeGreaterThanOrEqual(DEVICES);
    expect(c.mqtt_publish_total).toBeGreaterThan(0);
    expect(c.mqtt_publish_acked_total).toBe(c.mqtt_publish_total);
    expect(c.mqtt_delivered_total).toBe(c.mqtt_publish_acked_total);
  }, 60_000);

  it('a wrong password connects no device', async () => {
    process.env.FS_TEST_RABBIT_PW = 'not-the-password';
    const c = await run((rabbit as Rabbit).mqttUrl);
    expect(c.mqtt_connect_success_total ?? 0).toBe(0);
    expect(c.mqtt_connect_attempts_total).toBeGreaterThanOrEqual(DEVICES);
  }, 60_000);
});
