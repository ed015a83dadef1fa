// TLS material of a live run, read when the run starts: the target's CA, server name and fleet
// client certificate become the pool's (and the HTTP client's) TLS options; a device type's
// certificate templates become a per-device secure context, built when that device connects and
// held only by its connection (nothing per device is cached: memory per connection matters).
import { X509Certificate } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import tls from 'node:tls';
import { ToolError } from '../errors/tool-error.js';
import { compileTemplate, type DeviceFacts, type DeviceTemplate } from '../identity/template.js';
import type { DeviceType, ResolvedScenario, TargetTls } from '../scenario/types.js';

/** Folder relative TLS paths are read from: the scenario file's (the working folder without one). */
export function tlsBaseDir(s: ResolvedScenario): string {
  return s.sourcePath === null ? process.cwd() : dirname(resolve(s.sourcePath));
}

function readPem(baseDir: string, path: string, where: string): Buffer {
  const full = resolve(baseDir, path);
  try {
    return readFileSync(full);
  } catch (e) {
    throw new ToolError('FLEETSTORM_ERR_TLS_FILE', 'cannot read a TLS file', {
      where,
      got: `${full} (${(e as NodeJS.ErrnoException).code ?? 'error'})`,
      fix: 'paths are relative to the scenario file; make one with `fleetstorm certs --out certs --devices N`',
    });
  }
}

function unusable(where: string, e: unknown): ToolError {
  return new ToolError('FLEETSTORM_ERR_TLS_FILE', 'a TLS file is not a usable PEM certificate or key', {
    where,
    got: e instanceof Error ? e.message : String(e),
    fix: 'give PEM files (-----BEGIN CERTIFICATE----- / PRIVATE KEY); cert and key must belong together',
  });
}

/** OpenSSL skips what is not a certificate in a CA file, so junk would trust nothing, silently. */
function certificatePem(pem: Buffer, where: string): Buffer {
  try {
    new X509Certificate(pem);
  } catch (e) {
    throw unusable(where, e);
  }
  return pem;
}

/**
 * `target.tls` → tls options (ca, cert, key, servername, verification, ALPN), checked by building
 * a secure context once; undefined when the scenario sets none.
 */
export function loadTargetTls(
  t: TargetTls | null | undefined,
  baseDir: string,
): tls.ConnectionOptions | undefined {
  if (t === null || t === undefined) return undefined;
  const o: tls.ConnectionOptions = { rejectUnauthorized: !t.insecure };
  if (t.ca !== null) o.ca = certificatePem(readPem(baseDir, t.ca, 'target.tls.ca'), 'target.tls.ca');
  if (t.cert !== null && t.key !== null) {
    o.cert = readPem(baseDir, t.cert, 'target.tls.cert');
    o.key = readPem(baseDir, t.key, 'target.tls.key');
  }
  if (t.servername !== null) o.servername = t.servername;
  if (t.alpn.length > 0) o.ALPNProtocols = t.alpn;
  try {
    tls.createSecureContext(o);
  } catch (e) {
    throw unusable('target.tls', e);
  }
  return o;
}

interface TypeCerts {
  name: string;
  cert: DeviceTemplate;
  key: DeviceTemplate;
}

/** Per-device client certificates from each device type's `connectivity.tls` templates. */
export class DeviceCertificates {
  private readonly types: (TypeCerts | null)[];
  private readonly facts: DeviceFacts = { index: 0, type: '', id: '', shard: 0, run: '', seq: 1 };
  /** Devices whose files could not be used when they connected (the shared identity was used). */
  failures = 0;

  private constructor(
    types: (TypeCerts | null)[],
    private readonly baseDir: string,
    private readonly shared: tls.ConnectionOptions,
  ) {
    this.types = types;
  }

  /** Null when no device type has its own certificates. */
  static of(
    types: readonly DeviceType[],
    baseDir: string,
    shared: tls.ConnectionOptions | undefined,
    run: string,
  ): DeviceCertificates | null {
    const compiled = types.map((t) => {
      const c = t.connectivity.tls;
      if (c === null || c === undefined) return null;
      const where = `device-types.${t.name}.connectivity.tls`;
      return {
        name: t.name,
        cert: compileTemplate(c.certTemplate, `${where}.cert`),
        key: compileTemplate(c.keyTemplate, `${where}.key`),
      };
    });
    if (compiled.every((c) => c === null)) return null;
    const certs = new DeviceCertificates(compiled, baseDir, shared ?? {});
    certs.facts.run = run;
    return certs;
  }

  private paths(index: number, typeIndex: number): { cert: string; key: string } | null {
    const t = this.types[typeIndex];
    if (t === null || t === undefined) return null;
    const f = this.facts;
    f.index = index;
    f.type = t.name;
    f.id = `${t.name}-${index}`;
    return { cert: resolve(this.baseDir, t.cert(f)), key: resolve(this.baseDir, t.key(f)) };
  }

  /** Fails the run before it starts when a device's certificate or key file is missing. */
  assertPresent(index: number, typeIndex: number): void {
    const p = this.paths(index, typeIndex);
    if (p === null) return;
    for (const [file, what] of [
      [p.cert, 'cert'],
      [p.key, 'key'],
    ] as const) {
      if (existsSync(file)) continue;
      throw new ToolError(
        'FLEETSTORM_ERR_TLS_FILE',
        `device ${index}'s client ${what === 'cert' ? 'certificate' : 'key'} is missing`,
        {
          where: `device-types.${this.types[typeIndex]?.name ?? '?'}.connectivity.tls.${what}`,
          got: file,
          fix: 'make one per device with `fleetstorm certs --out certs --scenario <this scenario>` (or fix the template)',
        },
      );
    }
  }

  /** The device's own secure context, read now; undefined for a type without certificates. */
  contextFor(index: number, typeIndex: number): tls.SecureContext | undefined {
    const p = this.paths(index, typeIndex);
    if (p === null) return undefined;
    try {
      return tls.createSecureContext({
        ...this.shared,
        cert: readFileSync(p.cert),
        key: readFileSync(p.key),
      });
    } catch {
      this.failures++;
      return undefined;
    }
  }
}
