// A device program in live mode against the embedded backend: its publishes reach an independent
// MQTT subscriber (MQTT.js), a message published to its topic reaches its `message` hook, and the
// operator's command reaches its `command` hook.
import { join } from 'node:path';
import mqtt from 'mqtt';
import { afterEach, describe, expect, it } from 'vitest';
import { runLive } from '../../../src/app/live-engine.js';
import { startEmbeddedBackend } from '../../../src/backend/embedded.js';
import type { EmbeddedBackend } from '../../../src/backend/types.js';
import { resolveScenarioObject } from '../../../src/scenario/index.js';

const FIXTURES = join(import.meta.dirname, '..', '..', 'fixtures', 'programs');
const DEVICES = 10;

let backend: EmbeddedBackend | undefined;
let client: mqtt.MqttClient | undefined;
afterEach(async () => {
  await client?.endAsync();
  client = undefined;
  await backend?.close();
  backend = undefined;
});

describe('device programs in live mode', () => {
  it('publishes reach a subscriber; messages and commands reach the program', async () => {
    backend = await startEmbeddedBackend({ host: '127.0.0.1', mqttPort: 0, httpPort: 0 });
    const seen: { topic: string; text: string }[] = [];
    const c = await mqtt.connectAsync(backend.mqttUrl, { clientId: 'program-observer' });
    client = c;
    await c.subscribeAsync('thermostats/#', { qos: 1 });
    c.on('message', (topic, payload) => {
      const text = payload.toString();
      seen.push({ topic, text });
      const m = /^thermostats\/([^/]+)\/hello$/.exec(topic);
      if (m) void c.publishAsync(`thermostats/${m[1]}/config`, `cfg-${m[1]}`, { qos: 1 });
    });
    const doc = {
      name: 'program-live',
      seed: 3,
      mode: 'live',
      duration: '4m',
      fleet: [
        {
          count: DEVICES,
          device: {
            name: 'thermo',
            extends: 'gateway',
            program: './live-thermostat.ts',
            commands: { topic: 'cmd/{id}', 'reply-topic': 'cmd/{id}/reply', 'reply-delay': '100ms..1s' },
          },
        },
      ],
      'power-on': { spread: '10s' },
      live: { speed: 30 },
      operations: [{ at: '2m', command: { name: 'setpoint', args: { value: 22 } }, rate: '100/s' }],
    };
    const s = await resolveScenarioObject(doc, 'program-live (in memory)', {
      env: {},
      baseDir: FIXTURES,
      overrides: { targetMqtt: [backend.mqttUrl] },
    });
    const r = await runLive(s, { workers: 1 });
    expect(r.status).toBe('completed');
    const deadline = Date.now() + 10_000;
    while (seen.filter((x) => x.topic.endsWith('/setpoint')).length < DEVICES && Date.now() < deadline)
      await new Promise((res) => setTimeout(res, 50));
    const of = (suffix: string) => seen.filter((x) => x.topic.endsWith(suffix));
    expect(of('/hello').length).toBeGreaterThanOrEqual(DEVICES);
    const acks = of('/config-ack');
    expect(new Set(acks.map((x) => x.topic)).size).toBe(DEVICES);
    for (const a of acks) expect(a.text).toBe(`cfg-${a.topic.split('/')[1]}`);
    const setpoints = of('/setpoint');
    expect(setpoints.length).toBe(DEVICES);
    for (const x of setpoints) expect(JSON.parse(x.text)).toEqual({ name: 'setpoint', setpoint: 22 });
    expect(r.agg.counter('command_received_total')).toBe(DEVICES);
    expect(r.agg.counter('program_errors_total')).toBe(0);
    // hello, config-ack and setpoint: each device's publishes counted and acknowledged
    expect(r.agg.counter('mqtt_publish_total')).toBeGreaterThanOrEqual(3 * DEVICES);
    // the program's topics are its own: the end-to-end subscriber does not see them, by design
    expect(r.warnings.join(' ')).not.toContain('never reached the end-to-end subscriber');
  });
});
