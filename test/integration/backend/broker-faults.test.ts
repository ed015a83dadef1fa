// Backend faults of the embedded broker, observed through the lean client: outage drops
// sessions and refuses connects until it ends; reject refuses CONNACK with the configured code;
// slow delays CONNACK.
import { afterEach, describe, expect, it } from 'vitest';
import { startEmbeddedBackend } from '../../../src/backend/embedded.js';
import type { EmbeddedBackend } from '../../../src/backend/types.js';
import { isToolError } from '../../../src/errors/tool-error.js';
import {
  CONNECT_FAILURE,
  MqttConnectionPool,
  type MqttProtocolVersion,
} from '../../../src/transports/mqtt/index.js';
import { RecordingHandler, sleep } from '../transports/mqtt-harness.js';

let backend: EmbeddedBackend | undefined;
const pools: MqttConnectionPool[] = [];

afterEach(async () => {
  for (const p of pools.splice(0)) p.close();
  await backend?.close();
  backend = undefined;
});

async function setup(
  version: MqttProtocolVersion = 4,
): Promise<{ be: EmbeddedBackend; pool: MqttConnectionPool; h: RecordingHandler }> {
  backend = await startEmbeddedBackend({ host: '127.0.0.1', mqttPort: 0, httpPort: 0, slowUnitMs: 50 });
  const h = new RecordingHandler();
  const pool = new MqttConnectionPool({ handler: h, protocolVersion: version, tickMs: 50 });
  pools.push(pool);
  return { be: backend, pool, h };
}

describe('embedded broker faults', () => {
  it('outage drops every session, refuses connects, then recovers', async () => {
    const { be, pool, h } = await setup();
    for (let id = 0; id < 5; id++) pool.connect(id, be.mqttUrl, { clientId: `o${id}` });
    await h.until(() => h.connacks.length === 5);
    expect(be.stats().mqtt.sessions).toBe(5);
    be.faults.outage(600);
    await h.until(() => h.closes.length === 5, 3000, 'all sessions dropped');
    expect(new Set(h.closes.map((c) => c.reason))).toEqual(new Set(['remote']));
    expect(be.stats()).toMatchObject({ outage: true, mqtt: { dropped: 5 } });

    pool.connect(10, be.mqttUrl, { clientId: 'during' });
    await h.until(() => h.closes.some((c) => c.id === 10), 3000, 'refused connect');
    const refused = h.connacks.find((c) => c.id === 10);
    expect(refused?.ok).toBe(false);
    expect([CONNECT_FAILURE.socket, CONNECT_FAILURE.closed]).toContain(refused?.code);
    expect(be.stats().mqtt.refusedInOutage).toBeGreaterThanOrEqual(1);

    await sleep(700);
    expect(be.stats().outage).toBe(false);
    pool.connect(11, be.mqttUrl, { clientId: 'after' });
    await h.until(() => h.connacks.some((c) => c.id === 11));
    expect(h.connacks.find((c) => c.id === 11)?.ok).toBe(true);
  });

  it('reject refuses MQTT 3.1.1 sessions with return code 3', async () => {
    const { be, pool, h } = await setup(4);
    be.faults.reject(true);
    pool.connect(1, be.mqttUrl, { clientId: 'r1' });
    await h.until(() => h.closes.length === 1);
    expect(h.connacks[0]).toMatchObject({ ok: false, code: 3 });
    expect(h.closes[0]).toMatchObject({ reason: 'refused', code: 3 });
    be.faults.reject(false);
    pool.connect(1, be.mqttUrl, { clientId: 'r1' });
    await h.until(() => h.connacks.length === 2);
    expect(h.connacks[1]?.ok).toBe(true);
  });

  it('reject refuses MQTT 5 sessions with 0x9F or 0x89', async () => {
    const { be, pool, h } = await setup(5);
    be.faults.reject(true);
    pool.connect(1, be.mqttUrl, { clientId: 'r5a' });
    await h.until(() => h.closes.length === 1);
    expect(h.connacks[0]).toMatchObject({ ok: false, code: 0x9f });
    be.faults.reject(true, 0x89);
    pool.connect(2, be.mqttUrl, { clientId: 'r5b' });
    await h.until(() => h.closes.length === 2);
    expect(h.connacks[1]).toMatchObject({ ok: false, code: 0x89 });
    expect(be.stats().mqtt.rejected).toBe(2);
  });

  it('answers MQTT 5 with 0x84 (aedes speaks 3.1.1 only)', async () => {
    const { be, pool, h } = await setup(5);
    pool.connect(1, be.mqttUrl, { clientId: 'v5' });
    await h.until(() => h.closes.length === 1);
    expect(h.connacks[0]).toMatchObject({ ok: false, code: 0x84 });
  });

  it('slow(factor) delays CONNACK by (factor − 1) × the slow unit', async () => {
    const { be, pool, h } = await setup();
    be.faults.slow(5); // 4 × 50 ms
    pool.connect(1, be.mqttUrl, { clientId: 's1' });
    await h.until(() => h.connacks.length === 1);
    expect(h.connacks[0]?.latencyUs).toBeGreaterThanOrEqual(200_000);
    expect(() => be.faults.slow(0.5)).toThrow(RangeError);
  });

  it('a port in use is a PORT_IN_USE tool error', async () => {
    const { be } = await setup();
    await expect(startEmbeddedBackend({ mqttPort: be.mqttPort })).rejects.toSatisfy(
      (err: unknown) => isToolError(err) && err.code === 'FLEETSTORM_ERR_PORT_IN_USE',
    );
  });
});
