// A second real broker: RabbitMQ's MQTT plugin (Debian rabbitmq-server, MQTT 3.1.1) started by
// the test on free loopback ports in a temporary folder (its own node name, Erlang port mapper
// and cookie), with one user per device. The right password from ${env:…} connects every device
// and what they publish arrives; a wrong one connects none.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runResolved } from '../../../src/app/run.js';
import { resolveScenarioObject } from '../../../src/scenario/index.js';
import { rabbitInstalled, startRabbit, type RabbitHandle } from '../../../bench/lib/rabbitmq.js';

const installed = rabbitInstalled();
const DEVICES = 8;
const PASSWORD = 'rabbit-device-pw-42';

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
  let rabbit: RabbitHandle | null = null;
  beforeAll(async () => {
    rabbit = await startRabbit({ timeoutMs: 60_000, anonymous: false });
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
    const c = await run((rabbit as RabbitHandle).url);
    expect(c.mqtt_connect_success_total).toBeGreaterThanOrEqual(DEVICES);
    expect(c.mqtt_publish_total).toBeGreaterThan(0);
    expect(c.mqtt_publish_acked_total).toBe(c.mqtt_publish_total);
    expect(c.mqtt_delivered_total).toBe(c.mqtt_publish_acked_total);
  }, 60_000);

  it('a wrong password connects no device', async () => {
    process.env.FS_TEST_RABBIT_PW = 'not-the-password';
    const c = await run((rabbit as RabbitHandle).url);
    expect(c.mqtt_connect_success_total ?? 0).toBe(0);
    expect(c.mqtt_connect_attempts_total).toBeGreaterThanOrEqual(DEVICES);
  }, 60_000);
});
