// The device-side HTTP transport against the embedded backend: check-in, status, and firmware
// downloads cut mid-stream then resumed with Range, with every byte accounted for.
import { afterEach, describe, expect, it } from 'vitest';
import { startEmbeddedBackend } from '../../../src/backend/embedded.js';
import type { EmbeddedBackend } from '../../../src/backend/types.js';
import { isToolError } from '../../../src/errors/tool-error.js';
import { newDownloadCursor, OtaHttpClient } from '../../../src/transports/http/index.js';
import { freePort } from '../../../bench/lib/mosquitto.js';

const SIZE = 2 * 1024 * 1024 + 123;
let backend: EmbeddedBackend | undefined;
const clients: OtaHttpClient[] = [];

afterEach(async () => {
  for (const c of clients.splice(0)) await c.close();
  await backend?.close();
  backend = undefined;
});

async function setup(): Promise<{ be: EmbeddedBackend; http: OtaHttpClient }> {
  backend = await startEmbeddedBackend({
    offerFor: (_id, _type, version) => (version === '1.0.0' ? { version: '1.1.0', sizeBytes: SIZE } : null),
  });
  const http = new OtaHttpClient({ baseUrl: backend.httpUrl });
  clients.push(http);
  return { be: backend, http };
}

describe('OtaHttpClient', () => {
  it('checks in and reports status', async () => {
    const { http } = await setup();
    const offered = await http.checkIn('dev-1', 'sensor', '1.0.0');
    expect(offered).toMatchObject({ ok: true, status: 200, offer: { version: '1.1.0', sizeBytes: SIZE } });
    expect(offered.latencyUs).toBeGreaterThan(0);
    expect((await http.checkIn('dev-1', 'sensor', '1.1.0')).offer).toBeNull();
    expect(await http.postStatus({ deviceId: 'dev-1', state: 'ota.committed' })).toMatchObject({
      ok: true,
      status: 204,
    });
  });

  it('returns backend failures as data, never throws', async () => {
    const { be, http } = await setup();
    be.faults.outage(10_000);
    expect(await http.checkIn('dev-1', 'sensor', '1.0.0')).toMatchObject({
      ok: false,
      status: 503,
      error: 'http_503',
      offer: null,
    });
    const nobody = new OtaHttpClient({ baseUrl: `http://127.0.0.1:${await freePort()}` });
    clients.push(nobody);
    expect(await nobody.checkIn('dev-1', 'sensor', '1.0.0')).toMatchObject({
      ok: false,
      status: 0,
      error: 'ECONNREFUSED',
    });
    await expect(nobody.assertReachable()).rejects.toSatisfy(
      (err: unknown) => isToolError(err) && err.code === 'FLEETSTORM_ERR_TARGET_UNREACHABLE',
    );
  });

  it('downloads and verifies a whole image', async () => {
    const { http } = await setup();
    const { offer } = await http.checkIn('dev-1', 'sensor', '1.0.0');
    let progressCalls = 0;
    const res = await http.downloadFirmware(offer!.url, {
      expectedSha256: offer!.sha256,
      onProgress: () => progressCalls++,
    });
    expect(res).toMatchObject({
      ok: true,
      outcome: 'complete',
      status: 200,
      receivedBytes: SIZE,
      offset: SIZE,
      verified: true,
    });
    expect(res.sha256).toBe(offer!.sha256);
    expect(progressCalls).toBeGreaterThan(1);
  });

  it('resumes a download cut mid-stream with Range; no byte is fetched twice', async () => {
    const { be, http } = await setup();
    const { offer } = await http.checkIn('dev-1', 'sensor', '1.0.0');
    const cursor = newDownloadCursor();
    const radio = new AbortController();
    const first = await http.downloadFirmware(offer!.url, {
      cursor,
      expectedSha256: offer!.sha256,
      signal: radio.signal,
      onProgress: (offset) => {
        if (offset >= 700_000) radio.abort(); // the radio drops mid-download
      },
    });
    expect(first).toMatchObject({ ok: false, outcome: 'aborted', error: 'aborted', verified: null });
    expect(first.receivedBytes).toBe(cursor.offset);
    expect(cursor.offset).toBeGreaterThanOrEqual(700_000);
    expect(cursor.offset).toBeLessThan(SIZE);

    const second = await http.downloadFirmware(offer!.url, { cursor, expectedSha256: offer!.sha256 });
    expect(second).toMatchObject({
      ok: true,
      outcome: 'complete',
      status: 206,
      resumed: true,
      restarted: false,
    });
    expect(second.receivedBytes).toBe(SIZE - first.receivedBytes);
    expect(second.redownloadedBytes).toBe(0);
    expect(first.receivedBytes + second.receivedBytes).toBe(SIZE);
    expect(second.verified).toBe(true);
    expect(be.stats().http.rangeRequests).toBe(1);
  });

  it('starts over when the image changed (stale If-Range) and counts the re-downloaded bytes exactly', async () => {
    const { http } = await setup();
    const { offer } = await http.checkIn('dev-1', 'sensor', '1.0.0');
    const cursor = newDownloadCursor();
    const radio = new AbortController();
    const first = await http.downloadFirmware(offer!.url, {
      cursor,
      signal: radio.signal,
      onProgress: (offset) => offset >= 300_000 && radio.abort(),
    });
    cursor.etag = '"an-older-build"';
    const second = await http.downloadFirmware(offer!.url, { cursor, expectedSha256: offer!.sha256 });
    expect(second).toMatchObject({
      ok: true,
      status: 200,
      restarted: true,
      resumed: false,
      receivedBytes: SIZE,
      verified: true,
    });
    expect(second.redownloadedBytes).toBe(first.receivedBytes);
  });

  it('reports a digest mismatch as verified: false', async () => {
    const { http } = await setup();
    const { offer } = await http.checkIn('dev-1', 'sensor', '1.0.0');
    const res = await http.downloadFirmware(offer!.url, { expectedSha256: '0'.repeat(64) });
    expect(res).toMatchObject({ ok: true, outcome: 'complete', verified: false });
  });

  it('reports an outage mid-download as an error result', async () => {
    const { be, http } = await setup();
    const cursor = newDownloadCursor();
    // large enough that socket buffers cannot hold the rest when the outage starts
    const res = await http.downloadFirmware(`/v1/firmware/big?size=${64 * 1024 * 1024}`, {
      cursor,
      onProgress: (offset) => offset >= 200_000 && be.faults.outage(5_000),
    });
    expect(res.outcome).toBe('error');
    expect(res.ok).toBe(false);
    expect(res.receivedBytes).toBeLessThan(64 * 1024 * 1024);
    expect(cursor.offset).toBe(res.receivedBytes);
  });
});
