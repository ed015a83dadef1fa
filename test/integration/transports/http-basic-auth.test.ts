// Credentials in the HTTP target URL reach the backend as `Authorization: Basic` (undici alone
// drops a URL's user info), on the target's origin only: a firmware offer pointing at another
// origin (a CDN) never receives them.
import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { OtaHttpClient } from '../../../src/transports/http/index.js';
import { redactText } from '../../../src/secrets/redact.js';

const servers: http.Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

async function serve(handler: http.RequestListener): Promise<string> {
  const s = http.createServer(handler);
  servers.push(s);
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  return `127.0.0.1:${(s.address() as AddressInfo).port}`;
}

describe('HTTP target credentials', () => {
  it('are sent as Basic auth to the target and not to another origin', async () => {
    const seen: Record<string, string | undefined> = {};
    const cdn = await serve((req, res) => {
      seen.cdn = req.headers.authorization;
      res.end('firmware-bytes');
    });
    const api = await serve((req, res) => {
      seen[req.url ?? ''] = req.headers.authorization;
      if (req.url === '/v1/checkin') {
        res.setHeader('content-type', 'application/json');
        const sha256 = createHash('sha256').update('firmware-bytes').digest('hex');
        res.end(JSON.stringify({ offer: { version: '2.0.0', url: '/fw.bin', sizeBytes: 14, sha256 } }));
      } else res.end('firmware-bytes');
    });
    const client = new OtaHttpClient({ baseUrl: `http://dev%40fleet:p%3Ass-w0rd@${api}` });
    try {
      const checkin = await client.checkIn('d-1', 'meter', '1.0.0');
      expect(checkin.ok).toBe(true);
      expect(checkin.offer?.url).toBe('/fw.bin'); // a relative offer still resolves (no credentials in it)
      expect((await client.downloadFirmware('/fw.bin')).ok).toBe(true);
      expect((await client.downloadFirmware(`http://${cdn}/fw.bin`)).ok).toBe(true);
    } finally {
      await client.close();
    }
    const want = `Basic ${Buffer.from('dev@fleet:p:ss-w0rd').toString('base64')}`;
    expect(seen['/v1/checkin']).toBe(want);
    expect(seen['/fw.bin']).toBe(want);
    expect(seen.cdn).toBeUndefined();
    expect(redactText(`auth ${want}`)).not.toContain(want.slice(6));
  });
});
