// Starts a private Debian RabbitMQ with its MQTT plugin (MQTT 3.1.1) on free loopback ports, in a
// temporary folder with its own node name, Erlang port mapper, cookie, mnesia and log folders
// (never the system service). Anonymous MQTT logins are allowed unless `anonymous: false` (then
// users come from `ctl`, e.g. `add_user`). Stopped by rabbitmqctl, then its port mapper. Shared by
// the benchmarks and the live tests.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './mosquitto.js';

const RABBIT_BIN = '/usr/lib/rabbitmq/bin';

export interface RabbitHandle {
  url: string;
  port: number;
  /** Runs `rabbitmqctl -n <node> ...args`; throws with its stderr when it fails. */
  ctl(args: string[]): void;
  stop(): Promise<void>;
}

export interface RabbitOptions {
  /** Default 90 s. */
  timeoutMs?: number;
  /** Anonymous MQTT logins (as guest); default true. */
  anonymous?: boolean;
}

export function rabbitInstalled(): boolean {
  return existsSync(join(RABBIT_BIN, 'rabbitmq-server'));
}

function waitForPort(port: number, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
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
        if (Date.now() > deadline) reject(new Error(`RabbitMQ MQTT did not listen on ${port}`));
        else setTimeout(attempt, 200);
      });
    };
    attempt();
  });
}

/** Starts RabbitMQ + rabbitmq_mqtt; rejects when it does not listen within `timeoutMs`. */
export async function startRabbit(options: RabbitOptions = {}): Promise<RabbitHandle> {
  const { timeoutMs = 90_000, anonymous = true } = options;
  const dir = mkdtempSync(join(tmpdir(), 'fleetstorm-bench-rabbitmq-'));
  const [nodePort, distPort, mqttPort, epmdPort] = [
    await freePort(),
    await freePort(),
    await freePort(),
    await freePort(),
  ];
  const node = `fleetstormbench${nodePort}@localhost`;
  writeFileSync(join(dir, 'enabled_plugins'), '[rabbitmq_mqtt].\n');
  writeFileSync(
    join(dir, 'rabbitmq.conf'),
    [
      `listeners.tcp.default = 127.0.0.1:${nodePort}`,
      `mqtt.listeners.tcp.default = 127.0.0.1:${mqttPort}`,
      ...(anonymous
        ? ['mqtt.allow_anonymous = true', 'mqtt.default_user = guest', 'mqtt.default_pass = guest']
        : ['mqtt.allow_anonymous = false']),
      'loopback_users = none',
      'log.console = false',
      'log.file.level = error',
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
    await waitForPort(mqttPort, child, timeoutMs);
  } catch (e) {
    await stop();
    throw e;
  }
  return { url: `mqtt://127.0.0.1:${mqttPort}`, port: mqttPort, ctl, stop };
}
