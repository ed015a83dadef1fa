// The lean client over TLS (mqtts) to a private mosquitto with a throwaway self-signed cert.
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startMosquitto, type MosquittoHandle } from '../../../bench/lib/mosquitto.js';
import { CONNECT_FAILURE, MqttConnectionPool } from '../../../src/transports/mqtt/index.js';
import { RecordingHandler } from './mqtt-harness.js';

const skip = process.env.FLEETSTORM_SKIP_MOSQUITTO === '1';
let broker: MosquittoHandle | undefined;
let dir: string | undefined;

afterEach(async () => {
  await broker?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
  broker = undefined;
  dir = undefined;
});

function selfSignedCert(into: string): { certFile: string; keyFile: string } {
  const certFile = join(into, 'cert.pem');
  const keyFile = join(into, 'key.pem');
  const args = ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1'];
  args.push('-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', keyFile, '-out', certFile);
  const made = spawnSync('openssl', args, { stdio: 'ignore' });
  if (made.status !== 0) throw new Error('openssl could not make a test certificate');
  // mosquitto started as root drops to its own user before reading these throwaway files
  chmodSync(into, 0o755);
  chmodSync(keyFile, 0o644);
  return { certFile, keyFile };
}

describe.skipIf(skip)('lean MQTT client over TLS', () => {
  it('connects, publishes QoS 1 and disconnects over mqtts', async () => {
    dir = mkdtempSync(join(tmpdir(), 'fleetstorm-tls-'));
    const tls = selfSignedCert(dir);
    broker = await startMosquitto({ tls });
    const h = new RecordingHandler();
    const pool = new MqttConnectionPool({ handler: h, protocolVersion: 5 });
    const target = {
      host: '127.0.0.1',
      port: broker.port,
      tls: true,
      tlsOptions: { ca: readFileSync(tls.certFile) },
    };
    pool.connect(1, target, { clientId: 'tls-1' });
    await h.until(() => h.connacks.length === 1, 5000, 'CONNACK over TLS');
    expect(h.connacks[0]).toMatchObject({ ok: true, code: 0 });
    pool.publish(1, 'tls/t', Buffer.from('secret'), 1, 42);
    await h.until(() => h.acks.length === 1, 5000, 'PUBACK over TLS');
    expect(h.acks[0]?.token).toBe(42);
    pool.disconnect(1, { clean: true });
    expect(h.closes).toEqual([{ id: 1, reason: 'clean', code: 0 }]);
  });

  it('reports an untrusted certificate as a connect failure, not an exception', async () => {
    dir = mkdtempSync(join(tmpdir(), 'fleetstorm-tls-'));
    broker = await startMosquitto({ tls: selfSignedCert(dir) });
    const h = new RecordingHandler();
    const pool = new MqttConnectionPool({ handler: h });
    pool.connect(1, broker.url, { clientId: 'tls-untrusted' });
    await h.until(() => h.closes.length === 1, 5000, 'TLS failure');
    expect(h.connacks[0]).toMatchObject({ ok: false, code: CONNECT_FAILURE.tls });
    expect(h.closes[0]?.reason).toBe('error');
    const stats = pool.stats();
    expect(stats.socketErrors).toEqual({});
    // the certificate error itself is kept, code and text
    expect(stats.tlsErrors).toEqual({ DEPTH_ZERO_SELF_SIGNED_CERT: 1 });
    expect(stats.tlsErrorMessages.DEPTH_ZERO_SELF_SIGNED_CERT).toMatch(/self[- ]signed/);
  });
});
