// `--resolve` keeps the name for TLS: a device fleet reaches `mqtts://broker.staging.test` at
// 127.0.0.2 (a private mosquitto with a certificate for that name, from `fleetstorm certs`), and
// the certificate is checked against the name, not the address: a certificate for another name
// fails every connect as `tls`. Through the fault proxy of a backend fault the name is kept too.
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runResolved } from '../../../src/app/run.js';
import { resolveScenarioObject } from '../../../src/scenario/index.js';
import { mosquittoInstalled, startMosquitto, type MosquittoHandle } from '../../../bench/lib/mosquitto.js';
import { makeCerts, type CertDir } from '../transports/tls-broker.js';

const NAME = 'broker.staging.test';

describe.skipIf(!mosquittoInstalled() || process.env.FLEETSTORM_SKIP_MOSQUITTO === '1')(
  '--resolve with TLS (mosquitto on 127.0.0.2)',
  () => {
    let broker: MosquittoHandle | null = null;
    let certs: CertDir | null = null;
    afterEach(async () => {
      await broker?.stop();
      certs?.remove();
      broker = null;
      certs = null;
    });

    async function run(serverName: string, faults: Record<string, unknown>[] = []) {
      certs = await makeCerts(0, [serverName]);
      const tls = { certFile: join(certs.dir, 'server.pem'), keyFile: join(certs.dir, 'server.key') };
      broker = await startMosquitto({ hosts: ['127.0.0.2'], tls });
      const doc = {
        name: 'resolve-tls',
        seed: 5,
        mode: 'live',
        duration: '2m',
        fleet: [{ device: 'gateway', count: 10 }],
        'power-on': { spread: '20s' },
        live: { speed: 60 },
        faults,
        target: { mqtt: `mqtts://${NAME}:${broker.port}`, tls: { ca: join(certs.dir, 'ca.pem') } },
      };
      const s = await resolveScenarioObject(doc, 'resolve-tls (in memory)', {
        env: {},
        overrides: { resolve: [`${NAME}:127.0.0.2`] },
      });
      return (await runResolved(s, { noFiles: true })).report;
    }

    it('connects by address and checks the certificate against the name', async () => {
      const r = await run(NAME);
      expect(r.status).toBe('completed');
      expect(r.metrics.counters.mqtt_connect_success_total).toBe(10);
      expect(r.metrics.counters.mqtt_delivered_total).toBe(r.metrics.counters.mqtt_publish_acked_total);
    }, 60_000);

    it('keeps the name through the fault proxy of a backend fault (TLS still checks it)', async () => {
      const r = await run(NAME, [{ type: 'backend-outage', at: '1m', duration: '20s' }]);
      expect(r.status).toBe('completed');
      expect(r.metrics.counters['mqtt_connect_failed_total{reason="tls"}'] ?? 0).toBe(0);
      expect(r.metrics.counters['mqtt_disconnects_total{reason="outage"}']).toBe(10);
      expect(r.metrics.counters.mqtt_connect_success_total).toBeGreaterThan(10); // reconnected after it
    }, 60_000);

    it('fails every connect as tls when the certificate names another host', async () => {
      const r = await run('other.staging.test');
      expect(r.metrics.counters.mqtt_connect_success_total).toBe(0);
      // every device failed its first connect on the certificate (an attempt still in its
      // handshake when the run ends is not counted as failed)
      expect(r.metrics.counters['mqtt_connect_failed_total{reason="tls"}']).toBeGreaterThanOrEqual(10);
    }, 60_000);
  },
);
