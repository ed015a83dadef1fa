// Debian's real `mender` client (3.4) as a device of the tests, kept entirely in a temp dir.
//
// The client reads four compiled-in paths no flag moves: the identity script
// (/usr/share/mender/identity/mender-device-identity), /etc/mender/artifact_info, the inventory
// scripts and the update modules (/usr/share/mender/{inventory,modules/v3}). Rather than write
// there, it runs in its own mount namespace (`unshare -m`) with temp dirs bind-mounted over
// them: the host's files stay untouched and the mounts vanish with the process. That needs root
// (CI runs as root); as another user `unshare --map-root-user` is tried.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmod, copyFile, mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { TEST_MODULE, TEST_MODULE_NAME } from './artifact.js';

const SHIPPED_MODULES = '/usr/share/mender/modules/v3';

/** Why the real client cannot run here, or null when it can. */
export function menderClientMissing(): string | null {
  for (const bin of ['mender', 'mender-artifact', 'unshare']) {
    const found = spawnSync('sh', ['-c', `command -v ${bin}`], { encoding: 'utf8' });
    if (found.status !== 0)
      return `${bin} is not installed (apt-get install mender-client mender-artifact; .ci/run installs them)`;
  }
  return null;
}

function namespaceArgs(): string[] {
  const asRoot = process.getuid?.() === 0;
  return asRoot ? ['-m', '--propagation', 'private'] : ['--map-root-user', '-m', '--propagation', 'private'];
}

/** `mender --version`'s first word (`3.4.0+ds1-5+b1`). */
export function menderClientVersion(): string {
  const out = spawnSync('mender', ['--version'], { encoding: 'utf8' });
  return (out.stdout ?? '').trim().split(/\s+/)[0] ?? '';
}

/**
 * Why no private mount namespace can be made here (null: it can). Without one the client would
 * need the host's /etc/mender and /usr/share/mender written, which the tests never do.
 */
export function mountNamespaceProblem(): string | null {
  const probe = spawnSync('unshare', [...namespaceArgs(), 'sh', '-c', 'mount --bind /tmp /tmp'], {
    encoding: 'utf8',
  });
  if (probe.status === 0) return null;
  return (
    `cannot make a private mount namespace (unshare ${namespaceArgs().join(' ')}: ` +
    `${(probe.stderr || probe.error?.message || `exit ${String(probe.status)}`).trim()}); ` +
    'run as root with CAP_SYS_ADMIN, or allow unprivileged user namespaces'
  );
}

export interface MenderDeviceOptions {
  /** `http://127.0.0.1:<port>`: the 3.4 client accepts plain HTTP. */
  serverUrl: string;
  deviceType: string;
  /** The artifact the device runs before any update (artifact_info). */
  artifactName: string;
  /** Identity script output: `key=value` lines. */
  identity: Record<string, string>;
  /** What the inventory script reports. Default: os and kernel lines. */
  inventory?: Record<string, string>;
  /** Seconds between update checks (also the inventory interval unless set). */
  pollSeconds?: number;
  inventorySeconds?: number;
  /**
   * The device key (PEM; RSA, EC or Ed25519). Absent: the client makes its own RSA 3072 key on
   * first start, as a fresh device does.
   */
  privateKeyPem?: string;
}

export interface MenderDevice {
  /** The temp dir (config, identity, modules, `data/`: key, state store, deployment logs). */
  dir: string;
  /** The client's log so far (debug level). */
  log(): Promise<string>;
  /** SIGTERM, wait for exit, remove the temp dir. */
  stop(): Promise<void>;
}

async function writeScript(file: string, body: string): Promise<void> {
  await writeFile(file, body);
  await chmod(file, 0o755);
}

/** `key=value` lines as a script prints them (values are the tests' own: no quotes inside). */
function echoLines(pairs: Record<string, string>): string {
  return Object.entries(pairs)
    .map(([k, v]) => `echo '${k}=${v}'`)
    .join('\n');
}

async function prepare(o: MenderDeviceOptions): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'fleetstorm-mender-'));
  for (const d of ['etc', 'identity', 'inventory', 'modules', 'data']) await mkdir(path.join(dir, d));
  const pollSeconds = o.pollSeconds ?? 1;
  const config = {
    ServerURL: o.serverUrl,
    UpdatePollIntervalSeconds: pollSeconds,
    InventoryPollIntervalSeconds: o.inventorySeconds ?? pollSeconds,
    RetryPollIntervalSeconds: 1,
    // no system bus here; with DBus on, the client looks for one
    DBus: { Enabled: false },
  };
  await writeFile(path.join(dir, 'etc', 'mender.conf'), JSON.stringify(config, null, 2));
  await writeFile(path.join(dir, 'etc', 'artifact_info'), `artifact_name=${o.artifactName}\n`);
  await writeFile(path.join(dir, 'data', 'device_type'), `device_type=${o.deviceType}\n`);
  if (o.privateKeyPem !== undefined)
    await writeFile(path.join(dir, 'data', 'mender-agent.pem'), o.privateKeyPem, { mode: 0o600 });
  await writeScript(
    path.join(dir, 'identity', 'mender-device-identity'),
    `#!/bin/sh\n${echoLines(o.identity)}\n`,
  );
  const inventory = o.inventory ?? { os: 'fleetstorm test device', kernel: 'none' };
  await writeScript(
    path.join(dir, 'inventory', 'mender-inventory-fleetstorm'),
    `#!/bin/sh\n${echoLines(inventory)}\n`,
  );
  for (const m of await readdir(SHIPPED_MODULES))
    await copyFile(path.join(SHIPPED_MODULES, m), path.join(dir, 'modules', m));
  await writeScript(path.join(dir, 'modules', TEST_MODULE_NAME), TEST_MODULE);
  return dir;
}

/** The shell run inside the new mount namespace ($1 = the temp dir). */
const INSIDE = [
  'set -e',
  'mount --bind "$1/identity" /usr/share/mender/identity',
  'mount --bind "$1/inventory" /usr/share/mender/inventory',
  'mount --bind "$1/modules" /usr/share/mender/modules/v3',
  'mount --bind "$1/etc" /etc/mender',
  'exec mender --no-syslog --log-level debug --config "$1/etc/mender.conf"' +
    ' --fallback-config "$1/etc/fallback.conf" --data "$1/data" daemon',
].join('\n');

function waitExit(child: ChildProcess, timeoutMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
    }, timeoutMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/** Starts `mender daemon` against `serverUrl`; stop() it in afterEach. */
export async function startMenderDevice(o: MenderDeviceOptions): Promise<MenderDevice> {
  const dir = await prepare(o);
  const out: Buffer[] = [];
  const child = spawn('unshare', [...namespaceArgs(), 'sh', '-c', INSIDE, 'sh', dir], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (c: Buffer) => out.push(c));
  child.stderr?.on('data', (c: Buffer) => out.push(c));
  return {
    dir,
    log: () => Promise.resolve(Buffer.concat(out).toString('utf8')),
    stop: async () => {
      child.kill('SIGTERM');
      await waitExit(child, 5000);
      await rm(dir, { recursive: true, force: true });
    },
  };
}
