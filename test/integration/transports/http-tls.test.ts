// https:// targets with target.tls: the HTTP client trusts a private CA given as `ca` (no
// NODE_EXTRA_CA_CERTS), refuses the server without it, and presents a client certificate to a
// server that requires one.
import https from 'node:https';
import type net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { OtaHttpClient } from '../../../src/transports/http/index.js';
import { makeCerts, type CertDir } from './tls-broker.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function server(certs: CertDir, requireClientCert: boolean): Promise<string> {
  const s = https.createServer(
    {
      cert: certs.file('server.pem'),
      key: certs.file('server.key'),
      ca: certs.ca,
      requestCert: requireClientCert,
      rejectUnauthorized: requireClientCert,
    },
    (req, res) => res.end(req.url === '/healthz' ? 'ok' : ''),
  );
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  cleanups.push(async () => {
    s.closeAllConnections();
    await new Promise<void>((resolve) => s.close(() => resolve()));
  });
  return `https://127.0.0.1:${(s.address() as net.AddressInfo).port}`;
}

function client(baseUrl: string, tls?: ConstructorParameters<typeof OtaHttpClient>[0]['tls']): OtaHttpClient {
  const c = new OtaHttpClient({ baseUrl, ...(tls ? { tls } : {}) });
  cleanups.push(() => c.close());
  return c;
}

describe('HTTPS targets with target.tls', () => {
  it('trusts the CA given as ca, and only then', async () => {
    const certs = await makeCerts(0);
    cleanups.push(() => certs.remove());
    const url = await server(certs, false);
    await expect(client(url, { ca: certs.ca }).assertReachable()).resolves.toBeUndefined();
    await expect(client(url).assertReachable()).rejects.toThrow(
      /UNABLE_TO_VERIFY_LEAF_SIGNATURE|cannot be reached/,
    );
  });

  it('presents the fleet client certificate to a server that requires one', async () => {
    const certs = await makeCerts(1);
    cleanups.push(() => certs.remove());
    const url = await server(certs, true);
    const withCert = { ca: certs.ca, cert: certs.file('sensor-0.pem'), key: certs.file('sensor-0.key') };
    await expect(client(url, withCert).assertReachable()).resolves.toBeUndefined();
    await expect(client(url, { ca: certs.ca }).assertReachable()).rejects.toThrow();
  });
});
