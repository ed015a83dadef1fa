// TLS benchmark: RSS per connected device and connects/s for plain TCP, TLS with one shared
// client certificate and TLS with one certificate per device, with the lean pool and with one
// MQTT.js client per device (same TLS settings), each case in its own process against its own
// fresh local mosquitto (require_certificate, CN as username). Loopback only, bounded.
//   npx tsx bench/live-tls.ts [--connections 3000] [--concurrency 100] [--only lean|mqttjs|node]
// (`--only node`: bare net/tls sockets without MQTT, what Node's stack alone costs; not in the default run)
// Prints a table and one JSON line (stdout); progress goes to stderr.
import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { writeFleetCerts } from '../src/certs/write-fleet.js';
import { mosquittoInstalled, MOSQUITTO_MISSING, startMosquitto } from './lib/mosquitto.js';

const { values } = parseArgs({
  options: {
    connections: { type: 'string', default: '3000' },
    concurrency: { type: 'string', default: '100' },
    only: { type: 'string' },
  },
});

interface CaseResult {
  impl: string;
  mode: string;
  ok: number;
  measured: number;
  connectsPerSec: number;
  rssPerConnBytes: number;
}

const phaseScript = fileURLToPath(new URL('./lib/tls-phase.ts', import.meta.url));
const N = Number(values.connections);

function runCase(impl: string, mode: string, port: number, certs: string): Promise<CaseResult> {
  const args = ['--expose-gc', '--import', 'tsx', phaseScript, '--impl', impl, '--mode', mode];
  args.push('--port', String(port), '--connections', String(N), '--concurrency', values.concurrency);
  args.push('--certs', certs);
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => {
      const line = out.trim().split('\n').pop() ?? '';
      if (code !== 0 || !line.startsWith('{')) reject(new Error(`${impl} ${mode} failed (exit ${code})`));
      else resolve(JSON.parse(line) as CaseResult);
    });
  });
}

async function measure(impl: string, mode: string, certs: string): Promise<CaseResult> {
  const tlsConfig =
    mode === 'tcp'
      ? []
      : [`cafile ${join(certs, 'ca.pem')}`, 'require_certificate true', 'use_identity_as_username true'];
  const broker = await startMosquitto({
    ...(mode === 'tcp'
      ? {}
      : { tls: { certFile: join(certs, 'server.pem'), keyFile: join(certs, 'server.key') } }),
    extraConfig: ['set_tcp_nodelay true', ...tlsConfig],
  });
  try {
    process.stderr.write(`[bench] ${impl} ${mode}: mosquitto pid ${broker.pid} on port ${broker.port}\n`);
    return await runCase(impl, mode, broker.port, certs);
  } finally {
    await broker.stop();
  }
}

async function main(): Promise<void> {
  if (!mosquittoInstalled()) throw new Error(MOSQUITTO_MISSING);
  const certs = mkdtempSync(join(tmpdir(), 'fleetstorm-bench-tls-'));
  try {
    process.stderr.write(`[bench] ${N + 1} device certificates into ${certs}\n`);
    await writeFleetCerts({
      outDir: certs,
      devices: Array.from({ length: N + 1 }, (_, index) => ({ index, type: 'sensor' })),
      cn: '{id}',
      days: 1,
      key: 'ec',
      serverNames: ['localhost', '127.0.0.1'],
      nowMs: Date.now(),
      force: true,
    });
    chmodSync(certs, 0o755); // mosquitto started as root reads them as its own user
    for (const f of readdirSync(certs)) chmodSync(join(certs, f), 0o644);
    writeFileSync(join(certs, 'README'), 'throwaway certificates of bench/live-tls.ts\n');
    const impls = values.only ? [values.only] : ['lean', 'mqttjs'];
    const rows: CaseResult[] = [];
    for (const impl of impls) {
      for (const mode of ['tcp', 'tls-shared', 'tls-device']) rows.push(await measure(impl, mode, certs));
    }
    print(rows);
  } finally {
    rmSync(certs, { recursive: true, force: true });
  }
}

function print(rows: CaseResult[]): void {
  console.log(
    `\nTLS connects against a local mosquitto, ${N} connections, ${values.concurrency} handshakes in flight`,
  );
  console.log('impl     mode         connected  connects/s  RSS/conn');
  for (const r of rows) {
    console.log(
      `${r.impl.padEnd(8)} ${r.mode.padEnd(12)} ${String(r.ok).padStart(9)} ${String(r.connectsPerSec).padStart(11)} ${String(r.rssPerConnBytes).padStart(8)} B`,
    );
  }
  const get = (impl: string, mode: string): CaseResult | undefined =>
    rows.find((r) => r.impl === impl && r.mode === mode);
  const tcp = get('lean', 'tcp');
  const ratios: Record<string, number> = {};
  for (const mode of ['tls-shared', 'tls-device']) {
    const lean = get('lean', mode);
    const js = get('mqttjs', mode);
    if (lean && tcp) ratios[`${mode}MemoryVsTcp`] = round(lean.rssPerConnBytes / tcp.rssPerConnBytes);
    if (lean && js) ratios[`${mode}ConnectsVsMqttjs`] = round(lean.connectsPerSec / js.connectsPerSec);
  }
  for (const [k, v] of Object.entries(ratios)) console.log(`${k}: ${v}`);
  console.log(
    `targets: TLS memory <= 2x plain TCP: ${ratios['tls-sharedMemoryVsTcp'] !== undefined && ratios['tls-sharedMemoryVsTcp'] <= 2 ? 'met' : 'NOT met'} (shared), ${ratios['tls-deviceMemoryVsTcp'] !== undefined && ratios['tls-deviceMemoryVsTcp'] <= 2 ? 'met' : 'NOT met'} (per device); connects/s >= 1.5x MQTT.js: ${ratios['tls-sharedConnectsVsMqttjs'] !== undefined && ratios['tls-sharedConnectsVsMqttjs'] >= 1.5 ? 'met' : 'NOT met'} (shared), ${ratios['tls-deviceConnectsVsMqttjs'] !== undefined && ratios['tls-deviceConnectsVsMqttjs'] >= 1.5 ? 'met' : 'NOT met'} (per device)`,
  );
  console.log(JSON.stringify({ bench: 'live-tls', connections: N, rows, ...ratios }));
}

function round(x: number): number {
  return Math.round(x * 100) / 100;
}

await main();
