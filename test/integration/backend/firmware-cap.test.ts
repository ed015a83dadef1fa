// The embedded backend's generated firmware (hardening, finding 6): a 100 GiB image is refused
// before anything is generated; the digest of an allowed one is computed once, shared by
// concurrent check-ins, and in chunks that leave the event loop free (signals, sockets).
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { startEmbeddedBackend } from '../../../src/backend/embedded.js';
import { MAX_IMAGE_BYTES, imageSha256, imageStream } from '../../../src/backend/firmware-image.js';
import { resolveScenarioObject } from '../../../src/scenario/index.js';
import { toolErrorOf } from '../../helpers/tool-error.js';

async function streamedSha(version: string, sizeBytes: number): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of imageStream({ version, sizeBytes }, 0, sizeBytes)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

describe('firmware digests', () => {
  it('match the bytes served', async () => {
    const size = 3 * 1024 * 1024 + 17;
    expect(await imageSha256({ version: 'd1', sizeBytes: size })).toBe(await streamedSha('d1', size));
  });

  it('are computed once for concurrent check-ins', () => {
    const image = { version: 'd2', sizeBytes: 8 * 1024 * 1024 };
    expect(imageSha256(image)).toBe(imageSha256(image));
  });

  it('leave the event loop free while hashing', async () => {
    let ticks = 0;
    const timer = setInterval(() => ticks++, 0);
    try {
      await imageSha256({ version: 'd3', sizeBytes: 64 * 1024 * 1024 });
    } finally {
      clearInterval(timer);
    }
    expect(ticks).toBeGreaterThan(0);
  });

  it('are refused above the cap', async () => {
    await expect(imageSha256({ version: 'd4', sizeBytes: MAX_IMAGE_BYTES + 1 })).rejects.toThrow(/cap/);
  });
});

describe('a 100 GiB firmware', () => {
  it('is refused by the embedded backend before it starts', async () => {
    const e = await toolErrorOf(
      startEmbeddedBackend({ firmware: [{ version: '2', sizeBytes: 100 * 1024 ** 3 }] }),
    );
    expect(e.where).toBe('rollout.firmware.size');
  });

  it('is refused at load time for a live run against the embedded backend', async () => {
    const scenario = {
      name: 'big-image',
      mode: 'live',
      duration: '10m',
      fleet: [{ device: 'sensor', count: 10 }],
      rollout: { firmware: { version: '9.9.9', size: '100GiB' }, waves: ['100%'] },
    };
    const e = await toolErrorOf(resolveScenarioObject(scenario, 'big.yaml', { env: {} }));
    expect(e.code).toBe('FLEETSTORM_ERR_PLAN_TOO_LARGE');
    expect(e.where).toContain('rollout.firmware.size');
  });
});
