// The embedded OTA / check-in API over real HTTP (undici's fetch as an independent client).
import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { startEmbeddedBackend } from '../../../src/backend/embedded.js';
import type { EmbeddedBackend, StatusReport } from '../../../src/backend/types.js';

let backend: EmbeddedBackend | undefined;
const statuses: StatusReport[] = [];
const SIZE = 300_007;

afterEach(async () => {
  await backend?.close();
  backend = undefined;
  statuses.length = 0;
});

async function start(): Promise<EmbeddedBackend> {
  backend = await startEmbeddedBackend({
    host: '127.0.0.1',
    mqttPort: 0,
    httpPort: 0,
    slowUnitMs: 50,
    offerFor: (_id, type, version) =>
      type === 'sensor' && version === '1.0.0' ? { version: '2.0.0', sizeBytes: SIZE } : null,
    onStatus: (r) => statuses.push(r),
    firmware: [{ version: '9.9.9', sizeBytes: 1000 }],
  });
  return backend;
}

const post = (be: EmbeddedBackend, path: string, body: unknown): Promise<Response> =>
  fetch(be.httpUrl + path, { method: 'POST', body: typeof body === 'string' ? body : JSON.stringify(body) });
const bytes = async (res: Response): Promise<Buffer> => Buffer.from(await res.arrayBuffer());
const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');
const json = async (res: Response): Promise<any> => res.json();

describe('embedded HTTP API', () => {
  it('offers an update at check-in, or none', async () => {
    const be = await start();
    const yes = await json(
      await post(be, '/v1/checkin', { deviceId: 'd1', deviceType: 'sensor', version: '1.0.0' }),
    );
    expect(yes.offer).toMatchObject({ version: '2.0.0', sizeBytes: SIZE, url: '/v1/firmware/2.0.0' });
    expect(yes.offer.sha256).toMatch(/^[0-9a-f]{64}$/);
    const no = await json(
      await post(be, '/v1/checkin', { deviceId: 'd2', deviceType: 'sensor', version: '2.0.0' }),
    );
    expect(no).toEqual({ offer: null });
    expect(be.stats().http).toMatchObject({ checkins: 2, offers: 1 });
  });

  it('rejects malformed check-ins with 400 and unknown routes with 404', async () => {
    const be = await start();
    expect((await post(be, '/v1/checkin', 'not json')).status).toBe(400);
    expect((await post(be, '/v1/checkin', { deviceId: 'd1' })).status).toBe(400);
    expect((await fetch(be.httpUrl + '/v1/nope')).status).toBe(404);
    expect((await fetch(be.httpUrl + '/v1/firmware/0.0.0')).status).toBe(404);
  });

  it('accepts status reports', async () => {
    const be = await start();
    const res = await post(be, '/v1/status', { deviceId: 'd1', state: 'ota.committed', version: '2.0.0' });
    expect(res.status).toBe(204);
    expect(statuses).toEqual([{ deviceId: 'd1', state: 'ota.committed', version: '2.0.0' }]);
  });

  it('serves a deterministic image whose digest matches the manifest and the offer', async () => {
    const be = await start();
    const offer = (
      await json(await post(be, '/v1/checkin', { deviceId: 'd', deviceType: 'sensor', version: '1.0.0' }))
    ).offer;
    const res = await fetch(be.httpUrl + offer.url);
    expect(res.status).toBe(200);
    expect(res.headers.get('accept-ranges')).toBe('bytes');
    const image = await bytes(res);
    expect(image.length).toBe(SIZE);
    const manifest = await json(await fetch(be.httpUrl + offer.url + '/manifest'));
    expect(manifest).toMatchObject({
      version: '2.0.0',
      sizeBytes: SIZE,
      sha256: sha(image),
      etag: res.headers.get('etag'),
    });
    expect(offer.sha256).toBe(sha(image));
    const again = await bytes(await fetch(be.httpUrl + offer.url));
    expect(again.equals(image)).toBe(true);
    const other = await bytes(await fetch(be.httpUrl + '/v1/firmware/9.9.9'));
    expect(other.length).toBe(1000);
  });

  it('answers ranges with 206, out-of-range with 416, and a stale If-Range with the whole image', async () => {
    const be = await start();
    const url = be.httpUrl + '/v1/firmware/2.0.0?size=' + SIZE;
    const image = await bytes(await fetch(url));
    const etag = (await fetch(url, { method: 'HEAD' })).headers.get('etag') as string;
    for (const [range, from, to] of [
      ['bytes=1000-', 1000, SIZE],
      ['bytes=17-33', 17, 34],
      ['bytes=-100', SIZE - 100, SIZE],
      ['bytes=299999-999999', 299_999, SIZE],
    ] as const) {
      const res = await fetch(url, { headers: { range, 'if-range': etag } });
      expect(res.status).toBe(206);
      expect(res.headers.get('content-range')).toBe(`bytes ${from}-${to - 1}/${SIZE}`);
      expect((await bytes(res)).equals(image.subarray(from, to))).toBe(true);
    }
    const beyond = await fetch(url, { headers: { range: `bytes=${SIZE}-` } });
    expect(beyond.status).toBe(416);
    expect(beyond.headers.get('content-range')).toBe(`bytes */${SIZE}`);
    const stale = await fetch(url, { headers: { range: 'bytes=1000-', 'if-range': '"old"' } });
    expect(stale.status).toBe(200);
    expect((await bytes(stale)).length).toBe(SIZE);
  });

  it('answers 503 during an outage and a reject, and recovers', async () => {
    const be = await start();
    be.faults.outage(300);
    expect((await fetch(be.httpUrl + '/healthz')).status).toBe(503);
    await new Promise((r) => setTimeout(r, 400));
    expect((await fetch(be.httpUrl + '/healthz')).status).toBe(200);
    be.faults.reject(true);
    expect((await post(be, '/v1/checkin', { deviceId: 'd', version: '1' })).status).toBe(503);
    be.faults.reject(false);
    expect((await fetch(be.httpUrl + '/healthz')).status).toBe(200);
    expect(be.stats().http.unavailable).toBe(2);
  });

  it('slow(factor) delays responses', async () => {
    const be = await start();
    be.faults.slow(4); // 3 × 50 ms
    const t0 = performance.now();
    await fetch(be.httpUrl + '/healthz');
    expect(performance.now() - t0).toBeGreaterThanOrEqual(140);
  });
});
