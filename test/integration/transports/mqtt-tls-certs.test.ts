// The pool against a mosquitto that wants one client certificate per device (certificates from
// src/certs, as `fleetstorm certs` writes them): each device connects with its own certificate
// and may use only its own topics; no certificate, an untrusted CA or a wrong name fail as TLS
// with the certificate error kept; `rejectUnauthorized: false` connects anyway; a name on a
// loopback alias is checked through `servername`; a reconnect resumes the TLS session.
import { afterEach, describe, expect, it } from 'vitest';
import type { MosquittoHandle } from '../../../bench/lib/mosquitto.js';
import { CONNECT_FAILURE, MqttConnectionPool, type MqttTarget } from '../../../src/transports/mqtt/index.js';
import { RecordingHandler } from './mqtt-harness.js';
import { makeCerts, startCertBroker, type CertDir } from './tls-broker.js';

const skip = process.env.FLEETSTORM_SKIP_MOSQUITTO === '1';
const cleanups: (() => Promise<void> | void)[] = [];

afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function setup(
  host = '127.0.0.1',
  names?: string[],
): Promise<{ certs: CertDir; broker: MosquittoHandle }> {
  const certs = await makeCerts(3, names);
  cleanups.push(() => certs.remove());
  const broker = await startCertBroker(certs, host);
  cleanups.push(() => broker.stop());
  return { certs, broker };
}

function newPool(): { h: RecordingHandler; pool: MqttConnectionPool } {
  const h = new RecordingHandler();
  const pool = new MqttConnectionPool({ handler: h, protocolVersion: 5 });
  cleanups.push(() => pool.close());
  return { h, pool };
}

describe.skipIf(skip)('TLS with a client certificate per device (mosquitto require_certificate)', () => {
  it('connects each device with its own certificate; the ACL keyed by the certificate CN holds', async () => {
    const { certs, broker } = await setup();
    const { h, pool } = newPool();
    const target: MqttTarget = {
      host: '127.0.0.1',
      port: broker.port,
      tls: true,
      tlsOptions: { ca: certs.ca },
    };
    pool.connect(0, target, { clientId: 'c0', secureContext: certs.device('sensor-0') });
    pool.connect(1, target, { clientId: 'c1', secureContext: certs.device('sensor-1') });
    await h.until(() => h.connacks.length === 2, 5000, 'two CONNACKs');
    expect(h.connacks.every((c) => c.ok)).toBe(true);
    // own subtree: acknowledged; another device's: refused by the ACL (MQTT 5 reason 0x87)
    pool.publish(0, 'devices/sensor-0/telemetry', Buffer.from('ok'), 1, 10);
    pool.publish(0, 'devices/sensor-1/telemetry', Buffer.from('no'), 1, 11);
    await h.until(() => h.acks.length + h.fails.length === 2, 5000, 'both publish outcomes');
    expect(h.acks.map((a) => a.token)).toEqual([10]);
    expect(h.fails).toMatchObject([{ token: 11, reason: 'rejected', code: 0x87 }]);
    expect(pool.stats().tlsErrors).toEqual({});
  });

  it('fails as TLS without a client certificate', async () => {
    const { certs, broker } = await setup();
    const { h, pool } = newPool();
    pool.connect(
      0,
      { host: '127.0.0.1', port: broker.port, tls: true, tlsOptions: { ca: certs.ca } },
      { clientId: 'anon' },
    );
    await h.until(() => h.closes.length === 1, 5000, 'refused handshake');
    expect(h.connacks[0]).toMatchObject({ ok: false });
    const stats = pool.stats();
    // TLS 1.3: the broker's alert comes after the client finished its side of the handshake
    expect(h.connacks[0]?.code).toBe(CONNECT_FAILURE.tls);
    expect(stats.tlsErrors).toEqual({ ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED: 1 });
  });

  it('fails as TLS with verification on when the CA is not the broker’s, keeping the certificate error', async () => {
    const { certs, broker } = await setup();
    const other = await makeCerts(1);
    cleanups.push(() => other.remove());
    const { h, pool } = newPool();
    const target: MqttTarget = {
      host: '127.0.0.1',
      port: broker.port,
      tls: true,
      tlsOptions: { ca: other.ca },
    };
    pool.connect(0, target, { clientId: 'wrong-ca', secureContext: certs.device('sensor-0', other.ca) });
    await h.until(() => h.closes.length === 1, 5000, 'verification failure');
    expect(h.connacks[0]).toMatchObject({ ok: false, code: CONNECT_FAILURE.tls });
    const stats = pool.stats();
    // mosquitto sends its CA along: an untrusted self-signed root in the chain
    expect(stats.tlsErrors).toEqual({ SELF_SIGNED_CERT_IN_CHAIN: 1 });
    expect(stats.tlsErrorMessages.SELF_SIGNED_CERT_IN_CHAIN).toMatch(
      /self[- ]signed certificate in certificate chain/,
    );
  });

  it('connects with rejectUnauthorized false (insecure) whatever the CA', async () => {
    const { certs, broker } = await setup();
    const other = await makeCerts(1);
    cleanups.push(() => other.remove());
    const { h, pool } = newPool();
    const tlsOptions = { ca: other.ca, rejectUnauthorized: false };
    pool.connect(
      0,
      { host: '127.0.0.1', port: broker.port, tls: true, tlsOptions },
      {
        clientId: 'insecure',
        secureContext: certs.device('sensor-2', other.ca),
      },
    );
    await h.until(() => h.connacks.length === 1, 5000, 'CONNACK');
    expect(h.connacks[0]).toMatchObject({ ok: true });
  });

  it('checks the broker name on a loopback alias through servername', async () => {
    const { certs, broker } = await setup('127.0.0.2', ['broker.staging.test']);
    const { h, pool } = newPool();
    const named: MqttTarget = {
      host: '127.0.0.2',
      port: broker.port,
      tls: true,
      tlsOptions: { ca: certs.ca, servername: 'broker.staging.test' },
    };
    pool.connect(0, named, { clientId: 'named', secureContext: certs.device('sensor-0') });
    // without the name, the address is checked against a certificate that does not list it
    const bare: MqttTarget = {
      host: '127.0.0.2',
      port: broker.port,
      tls: true,
      tlsOptions: { ca: certs.ca },
    };
    pool.connect(1, bare, { clientId: 'bare', secureContext: certs.device('sensor-1') });
    await h.until(() => h.connacks.length === 2, 5000, 'both outcomes');
    expect(h.connacks.find((c) => c.id === 0)).toMatchObject({ ok: true });
    expect(h.connacks.find((c) => c.id === 1)).toMatchObject({ ok: false, code: CONNECT_FAILURE.tls });
    expect(pool.stats().tlsErrors).toEqual({ ERR_TLS_CERT_ALTNAME_INVALID: 1 });
  });

  it('resumes the TLS session when a device reconnects', async () => {
    const { certs, broker } = await setup();
    const { h, pool } = newPool();
    const target: MqttTarget = {
      host: '127.0.0.1',
      port: broker.port,
      tls: true,
      tlsOptions: { ca: certs.ca },
    };
    for (let round = 1; round <= 3; round++) {
      pool.connect(0, target, { clientId: 'again', secureContext: certs.device('sensor-0') });
      await h.until(() => h.connacks.length === round, 5000, `CONNACK ${round}`);
      expect(h.connacks[round - 1]).toMatchObject({ ok: true });
      pool.disconnect(0, { clean: true });
    }
    expect(pool.stats().tlsResumed).toBeGreaterThanOrEqual(1);
  });
});
