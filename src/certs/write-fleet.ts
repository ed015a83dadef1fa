// `fleetstorm certs`: a CA, a server certificate for a test broker and one client certificate
// per device, written as PEM files into one folder (`{id}.pem` / `{id}.key`, CN from a device-fact
// template), for brokers that want one certificate per device.
import { chmod, mkdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ToolError } from '../errors/tool-error.js';
import { compileTemplate, type DeviceFacts } from '../identity/template.js';
import { createAuthority, issue, validityOf, type KeyKind } from './authority.js';

/** Certificates made at once (WebCrypto runs them on the thread pool). */
const PARALLEL = 16;

export interface FleetDevice {
  /** Global index in the fleet. */
  index: number;
  /** Device type name. */
  type: string;
}

export interface FleetCertsOptions {
  outDir: string;
  devices: readonly FleetDevice[];
  /** CN template (`{id}` by default): the identity a broker reads from the certificate. */
  cn: string;
  days: number;
  key: KeyKind;
  /** Names and addresses the server certificate is valid for. */
  serverNames: readonly string[];
  nowMs: number;
  /** Overwrite an existing CA in outDir. */
  force: boolean;
  onProgress?: (done: number, total: number) => void;
}

export interface FleetCertsResult {
  dir: string;
  deviceFiles: number;
}

async function put(dir: string, name: string, text: string, secret: boolean): Promise<void> {
  const path = join(dir, name);
  try {
    await writeFile(path, text, secret ? { mode: 0o600 } : {});
    if (secret) await chmod(path, 0o600);
  } catch (e) {
    throw new ToolError('FLEETSTORM_ERR_TLS_FILE', 'cannot write a certificate file', {
      where: path,
      got: (e as NodeJS.ErrnoException).code ?? String(e),
      fix: 'choose a writable --out folder',
    });
  }
}

async function assertFreshDir(dir: string, force: boolean): Promise<void> {
  try {
    await mkdir(dir, { recursive: true });
  } catch (e) {
    throw new ToolError('FLEETSTORM_ERR_TLS_FILE', 'cannot create the certificate folder', {
      where: dir,
      got: (e as NodeJS.ErrnoException).code ?? String(e),
      fix: 'choose a writable --out folder',
    });
  }
  const exists = await stat(join(dir, 'ca.pem')).then(
    () => true,
    () => false,
  );
  if (exists && !force) {
    throw new ToolError('FLEETSTORM_ERR_CLI_ARGUMENT', 'the folder already holds a CA (ca.pem)', {
      where: '--out',
      got: dir,
      fix: 'a new CA would invalidate the certificates brokers trust now: choose another --out, or add --force',
    });
  }
}

export async function writeFleetCerts(o: FleetCertsOptions): Promise<FleetCertsResult> {
  const cn = compileTemplate(o.cn, '--cn');
  await assertFreshDir(o.outDir, o.force);
  const validity = validityOf(o.nowMs, o.days);
  const ca = await createAuthority('fleetstorm test CA', o.key, validity);
  await put(o.outDir, 'ca.pem', ca.pem.certPem, false);
  await put(o.outDir, 'ca.key', ca.pem.keyPem, true);
  const server = await issue(ca, {
    commonName: o.serverNames[0] ?? 'localhost',
    altNames: o.serverNames,
    usage: 'server',
    validity,
  });
  await put(o.outDir, 'server.pem', server.certPem, false);
  await put(o.outDir, 'server.key', server.keyPem, true);
  let done = 0;
  const total = o.devices.length;
  const facts: DeviceFacts = { index: 0, type: '', id: '', shard: 0, run: 'certs', seq: 1 };
  for (let start = 0; start < total; start += PARALLEL) {
    const batch = o.devices.slice(start, start + PARALLEL).map(async (d) => {
      const id = `${d.type}-${d.index}`;
      const commonName = cn({ ...facts, index: d.index, type: d.type, id });
      const leaf = await issue(ca, { commonName, usage: 'client', validity });
      await put(o.outDir, `${id}.pem`, leaf.certPem, false);
      await put(o.outDir, `${id}.key`, leaf.keyPem, true);
    });
    await Promise.all(batch);
    done += batch.length;
    o.onProgress?.(done, total);
  }
  return { dir: o.outDir, deviceFiles: total * 2 };
}
