// A protocol server's deployment is untrusted: its URL, size and digest are checked before a
// device follows it (src/live/ota-agent-port.ts turns a bad one into a failed check).
import { describe, expect, it } from 'vitest';
import { deploymentProblem, MAX_OFFER_SIZE_BYTES } from '../../../src/transports/http/offer.js';

const base = new URL('data:,');
const ok = { url: 'http://updates.example.test/fw/2.0.0', sizeBytes: 1024, sha256: 'a'.repeat(64) };

describe('deploymentProblem', () => {
  it('accepts an absolute http(s) URL with a sane size and digest, or none given', () => {
    expect(deploymentProblem(ok, base)).toBeNull();
    expect(deploymentProblem({ ...ok, sizeBytes: null, sha256: null }, base)).toBeNull();
  });

  it('refuses what a device must not follow', () => {
    expect(deploymentProblem({ ...ok, url: '/fw/2.0.0' }, base)).toBe('not a URL');
    expect(deploymentProblem({ ...ok, url: 'file:///etc/passwd' }, base)).toMatch(/scheme/);
    expect(deploymentProblem({ ...ok, url: 'http://0.0.0.0/fw' }, base)).toMatch(/not an address/);
    expect(deploymentProblem({ ...ok, url: 'http://u:p@h.test/fw' }, base)).toMatch(/credentials/);
    expect(deploymentProblem({ ...ok, sizeBytes: -1 }, base)).toMatch(/size/);
    expect(deploymentProblem({ ...ok, sizeBytes: MAX_OFFER_SIZE_BYTES + 1 }, base)).toMatch(/size/);
    expect(deploymentProblem({ ...ok, sizeBytes: 1.5 }, base)).toMatch(/size/);
    expect(deploymentProblem({ ...ok, sha256: 'zz' }, base)).toMatch(/sha256/);
  });
});
