// A throwaway certificate authority for test brokers and fleets: CA, server and device
// certificates made with @peculiar/x509 over Node's WebCrypto (no hand-written ASN.1).
// reflect-metadata must be loaded before @peculiar/x509 (its ASN.1 schemas use decorators).
import 'reflect-metadata';
import { randomBytes, webcrypto } from 'node:crypto';
import net from 'node:net';
import * as x509 from '@peculiar/x509';

type CryptoKeyPair = webcrypto.CryptoKeyPair;
type CryptoKey = webcrypto.CryptoKey;

x509.cryptoProvider.set(webcrypto);

export type KeyKind = 'ec' | 'rsa';

/** A key pair's algorithm: ECDSA P-256 (small, fast) or RSA 2048 (for brokers that want it). */
function algorithmOf(kind: KeyKind): webcrypto.RsaHashedKeyGenParams | webcrypto.EcKeyGenParams {
  return kind === 'ec'
    ? ({ name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as webcrypto.EcKeyGenParams)
    : {
        name: 'RSASSA-PKCS1-v1_5',
        hash: 'SHA-256',
        publicExponent: new Uint8Array([1, 0, 1]),
        modulusLength: 2048,
      };
}

/** A certificate and its private key, both PEM. */
export interface IssuedPem {
  certPem: string;
  keyPem: string;
}

export interface Authority {
  cert: x509.X509Certificate;
  keys: CryptoKeyPair;
  kind: KeyKind;
  pem: IssuedPem;
}

export interface Validity {
  notBefore: Date;
  notAfter: Date;
}

/** Valid from an hour ago (clock skew between machines) for `days` days. */
export function validityOf(nowMs: number, days: number): Validity {
  return { notBefore: new Date(nowMs - 3600_000), notAfter: new Date(nowMs + days * 86_400_000) };
}

/** A positive 64-bit serial number, unique per issued certificate (RFC 5280 §4.1.2.2). */
function serialNumber(): string {
  const bytes = randomBytes(8);
  bytes[0] = ((bytes[0] as number) & 0x7f) | 0x01;
  return bytes.toString('hex');
}

async function newKeys(kind: KeyKind): Promise<CryptoKeyPair> {
  return webcrypto.subtle.generateKey(algorithmOf(kind), true, ['sign', 'verify']) as Promise<CryptoKeyPair>;
}

async function keyPem(key: CryptoKey): Promise<string> {
  const der = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', key));
  const lines = der.toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN PRIVATE KEY-----\n${lines.join('\n')}\n-----END PRIVATE KEY-----\n`;
}

/** Escapes a value for an RFC 4514 distinguished name (`CN=…`). */
function dnValue(v: string): string {
  return v.replace(/([,+"\\<>;=#])/g, '\\$1');
}

export async function createAuthority(name: string, kind: KeyKind, validity: Validity): Promise<Authority> {
  const keys = await newKeys(kind);
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serialNumber(),
    name: `CN=${dnValue(name)}`,
    ...validity,
    signingAlgorithm: algorithmOf(kind),
    keys,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return {
    cert,
    keys,
    kind,
    pem: { certPem: cert.toString('pem') + '\n', keyPem: await keyPem(keys.privateKey) },
  };
}

export interface LeafOptions {
  commonName: string;
  /** DNS names and IP addresses for the subjectAltName (servers). */
  altNames?: readonly string[];
  usage: 'server' | 'client';
  validity: Validity;
}

/** Issues a server or client certificate signed by the authority, with a fresh key. */
export async function issue(ca: Authority, o: LeafOptions): Promise<IssuedPem> {
  const keys = await newKeys(ca.kind);
  const extensions: x509.Extension[] = [
    new x509.BasicConstraintsExtension(false, undefined, true),
    new x509.KeyUsagesExtension(
      x509.KeyUsageFlags.digitalSignature | (ca.kind === 'rsa' ? x509.KeyUsageFlags.keyEncipherment : 0),
      true,
    ),
    new x509.ExtendedKeyUsageExtension(
      [o.usage === 'server' ? x509.ExtendedKeyUsage.serverAuth : x509.ExtendedKeyUsage.clientAuth],
      false,
    ),
    await x509.AuthorityKeyIdentifierExtension.create(ca.cert, false),
  ];
  const names = o.altNames ?? [];
  if (names.length > 0) {
    const entries = names.map((n) => ({
      type: net.isIP(n) === 0 ? ('dns' as const) : ('ip' as const),
      value: n,
    }));
    extensions.push(new x509.SubjectAlternativeNameExtension(entries, false));
  }
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: serialNumber(),
    subject: `CN=${dnValue(o.commonName)}`,
    issuer: ca.cert.subject,
    ...o.validity,
    signingAlgorithm: algorithmOf(ca.kind),
    publicKey: keys.publicKey,
    signingKey: ca.keys.privateKey,
    extensions,
  });
  return { certPem: cert.toString('pem') + '\n', keyPem: await keyPem(keys.privateKey) };
}
