// What a server answers is untrusted (hardening, finding 4): an offer pointing at 0.0.0.0 or
// announcing 1e15 bytes is a bad response, not a download; a body larger or smaller than the
// offer announced is a failed download, counted as data.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { OtaHttpClient } from '../../../src/transports/http/index.js';
import { isUnroutableHost, offerUrlProblem } from '../../../src/transports/http/offer.js';

const SHA = 'a'.repeat(64);
let server: Server | undefined;
const clients: OtaHttpClient[] = [];

afterEach(async () => {
  for (const c of clients.splice(0)) await c.close();
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
  server = undefined;
});

/** A backend that offers `offer` on check-in and serves `imageBytes` bytes for any GET. */
async function hostile(
  offer: Record<string, unknown>,
  imageBytes: number,
  lie = false,
): Promise<OtaHttpClient> {
  server = createServer((req, res) => {
    if (req.method === 'POST') {
      req.resume();
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ offer }));
      return;
    }
    // `lie`: no content-length, so only the bytes themselves show the size.
    if (!lie) res.setHeader('content-length', String(imageBytes));
    res.end(Buffer.alloc(imageBytes, 1));
  });
  await new Promise<void>((r) => server?.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as AddressInfo).port;
  const c = new OtaHttpClient({ baseUrl: `http://127.0.0.1:${port}` });
  clients.push(c);
  return c;
}

describe('firmware offers from the server', () => {
  it.each([
    ['0.0.0.0', { version: '2', sizeBytes: 10, sha256: SHA, url: 'http://0.0.0.0:1/fw' }],
    ['[::]', { version: '2', sizeBytes: 10, sha256: SHA, url: 'http://[::]:1/fw' }],
    ['a file URL', { version: '2', sizeBytes: 10, sha256: SHA, url: 'file:///etc/passwd' }],
    ['1e15 bytes', { version: '2', sizeBytes: 1e15, sha256: SHA, url: '/fw' }],
    ['a fractional size', { version: '2', sizeBytes: 10.5, sha256: SHA, url: '/fw' }],
    ['a digest that is no SHA-256', { version: '2', sizeBytes: 10, sha256: 'x', url: '/fw' }],
  ])('refuses an offer with %s as a bad response', async (_label, offer) => {
    const c = await hostile(offer, 10);
    expect(await c.checkIn('d1', 't', '1')).toMatchObject({ ok: false, error: 'bad_response', offer: null });
  });

  it('accepts a sane offer', async () => {
    const c = await hostile({ version: '2', sizeBytes: 10, sha256: SHA, url: '/fw' }, 10);
    expect((await c.checkIn('d1', 't', '1')).offer).toMatchObject({ sizeBytes: 10 });
  });

  it('fails a download whose body is larger than the offer said, without reading it all', async () => {
    const c = await hostile({}, 1_000_000, true);
    const res = await c.downloadFirmware('/fw', { expectedBytes: 65_536 });
    expect(res).toMatchObject({ ok: false, outcome: 'error', error: 'size_mismatch' });
    expect(res.receivedBytes).toBeLessThanOrEqual(65_536);
  });

  it('fails a download whose announced length differs from the offer', async () => {
    const c = await hostile({}, 100);
    expect(await c.downloadFirmware('/fw', { expectedBytes: 65_536 })).toMatchObject({
      ok: false,
      error: 'size_mismatch',
    });
  });

  it('completes a download of the offered size', async () => {
    const c = await hostile({}, 100, true);
    expect(await c.downloadFirmware('/fw', { expectedBytes: 100 })).toMatchObject({ ok: true });
  });
});

describe('addresses no connection goes to', () => {
  it.each(['0.0.0.0', '0.1.2.3', '::', '[::]', '0:0:0:0:0:0:0:0', '255.255.255.255', '224.0.0.1', 'ff02::1'])(
    '%s is refused',
    (h) => expect(isUnroutableHost(h)).toBe(true),
  );
  it.each(['127.0.0.1', '::1', 'broker.staging.test', '10.0.0.1'])('%s is allowed', (h) =>
    expect(isUnroutableHost(h)).toBe(false),
  );
  it('names the problem of a URL', () => {
    expect(offerUrlProblem('http://u:p@127.0.0.1/fw', new URL('http://127.0.0.1'))).toBe(
      'credentials in the URL',
    );
  });
});
