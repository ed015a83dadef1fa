// Per-device Mender keys: derived keys are the same for the same (seed, device) and differ
// between devices; signatures verify with node:crypto exactly as the deviceauth spec's table says.
import { createPublicKey, verify } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DeviceKeys, signAuthRequest, type DeviceKey } from '../../../../src/ota-protocols/mender/keys.js';

describe('Mender device keys', () => {
  it.each(['ed25519', 'ecdsa'] as const)(
    '%s keys are derived: same device, same key; other device, other key',
    (type) => {
      const a = new DeviceKeys(type, 'seed').get('dev-1') as DeviceKey;
      const again = new DeviceKeys(type, 'seed').get('dev-1') as DeviceKey;
      const other = new DeviceKeys(type, 'seed').get('dev-2') as DeviceKey;
      const otherSeed = new DeviceKeys(type, 'seed-2').get('dev-1') as DeviceKey;
      expect(again.publicPem).toBe(a.publicPem);
      expect(other.publicPem).not.toBe(a.publicPem);
      expect(otherSeed.publicPem).not.toBe(a.publicPem);
      expect(a.publicPem).toMatch(/^-----BEGIN PUBLIC KEY-----\n[\s\S]+-----END PUBLIC KEY-----\n$/);
    },
  );

  it.each(['ed25519', 'ecdsa', 'rsa'] as const)(
    'a %s signature verifies over the body bytes and only them',
    async (type) => {
      const key = await new DeviceKeys(type, 'seed').get('dev-1');
      const body = Buffer.from('{"id_data":"{\\"id\\":\\"dev-1\\"}","pubkey":"..."}\n');
      const sig = Buffer.from(signAuthRequest(key, body), 'base64');
      const pub = createPublicKey(key.publicPem);
      const digest = type === 'ed25519' ? null : 'sha256';
      expect(verify(digest, body, pub, sig)).toBe(true);
      expect(verify(digest, body.subarray(0, -1), pub, sig)).toBe(false);
      if (type === 'rsa') expect(pub.asymmetricKeyDetails?.modulusLength).toBe(2048);
    },
  );

  it('an RSA key is generated once per device and kept', async () => {
    const keys = new DeviceKeys('rsa', 'seed');
    const first = keys.get('dev-1');
    expect(keys.get('dev-1')).toBe(first); // the same pending generation
    const key = await first;
    expect(keys.get('dev-1')).toBe(key);
    expect(keys.size).toBe(1);
  });
});
