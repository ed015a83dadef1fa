// Per-device key pairs for Mender authentication and the X-MEN-Signature over the auth request
// (deviceauth devices_v1.yaml: RSA PKCS#1 v1.5 over SHA-256, ECDSA P-256 over SHA-256 as an
// ASN.1 SEQ{R, S}, Ed25519 over the request itself). Ed25519 and ECDSA keys are derived from
// (seed, device id), so a device has the same key in every run and no key is stored; RSA keys
// cannot be derived with node:crypto, so they are generated once per device and kept.
import {
  createECDH,
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPair,
  sign,
  type KeyObject,
} from 'node:crypto';

export const MENDER_KEY_TYPES = ['ed25519', 'ecdsa', 'rsa'] as const;
export type MenderKeyType = (typeof MENDER_KEY_TYPES)[number];

export interface DeviceKey {
  type: MenderKeyType;
  privateKey: KeyObject;
  /** SPKI PEM, as `pubkey` of the auth request. */
  publicPem: string;
}

/** PKCS#8 DER of an Ed25519 private key, before its 32-byte seed (RFC 8410 §7). */
const ED25519_PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');
/** Order of the P-256 group (SEC 2 §2.4.2). */
const P256_ORDER = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;
const RSA_MODULUS_BITS = 2048;

function material(seed: string, deviceId: string, round: number): Buffer {
  return createHash('sha256').update(`fleetstorm-mender-key\0${seed}\0${deviceId}\0${round}`).digest();
}

function withPublic(type: MenderKeyType, privateKey: KeyObject): DeviceKey {
  const publicPem = createPublicKey(privateKey).export({ type: 'spki', format: 'pem' }).toString();
  return { type, privateKey, publicPem };
}

function ed25519Key(seed: string, deviceId: string): DeviceKey {
  const der = Buffer.concat([ED25519_PKCS8_PREFIX, material(seed, deviceId, 0)]);
  return withPublic('ed25519', createPrivateKey({ key: der, format: 'der', type: 'pkcs8' }));
}

function ecdsaKey(seed: string, deviceId: string): DeviceKey {
  let round = 0;
  let d = material(seed, deviceId, round);
  // a scalar of 0 or ≥ the group order is not a key: the next round's hash is (p ≈ 2^-32)
  while (BigInt(`0x${d.toString('hex')}`) >= P256_ORDER || d.every((b) => b === 0))
    d = material(seed, deviceId, ++round);
  const ecdh = createECDH('prime256v1');
  ecdh.setPrivateKey(d);
  const point = ecdh.getPublicKey(); // 0x04 ‖ x ‖ y
  const jwk = {
    kty: 'EC',
    crv: 'P-256',
    d: d.toString('base64url'),
    x: point.subarray(1, 33).toString('base64url'),
    y: point.subarray(33, 65).toString('base64url'),
  };
  return withPublic('ecdsa', createPrivateKey({ key: jwk, format: 'jwk' }));
}

function rsaKey(): Promise<DeviceKey> {
  return new Promise((resolve, reject) => {
    generateKeyPair('rsa', { modulusLength: RSA_MODULUS_BITS }, (err, _pub, privateKey) => {
      if (err) reject(err);
      else resolve(withPublic('rsa', privateKey));
    });
  });
}

/** Each device's key: derived on first use (Ed25519, ECDSA) or generated once (RSA), then kept. */
export class DeviceKeys {
  private readonly keys = new Map<string, DeviceKey | Promise<DeviceKey>>();

  constructor(
    readonly type: MenderKeyType,
    private readonly seed: string,
  ) {}

  get(deviceId: string): DeviceKey | Promise<DeviceKey> {
    const kept = this.keys.get(deviceId);
    if (kept !== undefined) return kept;
    if (this.type === 'rsa') {
      const pending = rsaKey().then((key) => {
        this.keys.set(deviceId, key);
        return key;
      });
      this.keys.set(deviceId, pending);
      return pending;
    }
    const key = this.type === 'ed25519' ? ed25519Key(this.seed, deviceId) : ecdsaKey(this.seed, deviceId);
    this.keys.set(deviceId, key);
    return key;
  }

  get size(): number {
    return this.keys.size;
  }
}

/** `X-MEN-Signature`: base64 of the signature over the exact request body bytes. */
export function signAuthRequest(key: DeviceKey, body: Buffer): string {
  const digest = key.type === 'ed25519' ? null : 'sha256';
  return sign(digest, body, key.privateKey).toString('base64');
}
