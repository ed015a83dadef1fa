// `fleetstorm certs --out DIR --devices N`: a test CA, a server certificate and one client
// certificate per device (see src/certs). With --scenario, exactly the fleet's device ids.
import { resolve } from 'node:path';
import { monotonicMs, wallClockMs } from '../../clock/real-clock.js';
import { fleetDevicesOf } from '../../certs/fleet-devices.js';
import { writeFleetCerts, type FleetDevice } from '../../certs/write-fleet.js';
import { EXIT, type ExitCode } from '../../errors/exit-codes.js';
import { ToolError } from '../../errors/tool-error.js';
import { loadScenario } from '../../scenario/index.js';
import { err, out } from '../output.js';

export interface CertsFlags {
  out: string;
  devices?: number;
  cn: string;
  type: string;
  days: number;
  key: string;
  serverName: string[];
  scenario?: string;
  force: boolean;
}

function badFlag(where: string, what: string, got: unknown, fix: string): ToolError {
  return new ToolError('FLEETSTORM_ERR_CLI_ARGUMENT', what, { where, got: String(got), fix });
}

async function fleetDevices(f: CertsFlags): Promise<FleetDevice[]> {
  if (f.scenario !== undefined) {
    const devices = fleetDevicesOf(await loadScenario(f.scenario, { env: process.env }));
    const n = devices.length;
    if (f.devices !== undefined && f.devices !== n)
      throw badFlag(
        '--devices',
        '--devices differs from the scenario fleet',
        f.devices,
        `omit --devices (the fleet has ${n})`,
      );
    return devices;
  }
  const n = f.devices;
  if (n === undefined || !Number.isInteger(n) || n < 0 || n > 10_000_000)
    throw badFlag(
      '--devices',
      'give the number of device certificates',
      n,
      'e.g. --devices 1000 (or --scenario FILE)',
    );
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(f.type))
    throw badFlag('--type', 'the device type name is not a plain name', f.type, 'e.g. --type sensor');
  return Array.from({ length: n }, (_, index) => ({ index, type: f.type }));
}

export async function certsCommand(f: CertsFlags): Promise<ExitCode> {
  if (f.key !== 'ec' && f.key !== 'rsa')
    throw badFlag('--key', 'unknown key type', f.key, 'use --key ec or --key rsa');
  if (!Number.isInteger(f.days) || f.days < 1)
    throw badFlag('--days', 'validity must be a whole number of days', f.days, 'e.g. --days 365');
  const devices = await fleetDevices(f);
  const dir = resolve(f.out);
  let lastMs = monotonicMs();
  const result = await writeFleetCerts({
    outDir: dir,
    devices,
    cn: f.cn,
    days: f.days,
    key: f.key,
    serverNames: f.serverName.length > 0 ? f.serverName : ['localhost', '127.0.0.1', '::1'],
    nowMs: wallClockMs(),
    force: f.force,
    onProgress: (done, total) => {
      const now = monotonicMs();
      if (done < total && now - lastMs < 1000) return;
      lastMs = now;
      err(`certs: ${done}/${total} device certificates`);
    },
  });
  out(
    `wrote ${dir}/: ca.pem, ca.key, server.pem, server.key and ${result.deviceFiles} device files ({id}.pem, {id}.key)`,
  );
  out(`broker: cafile ${dir}/ca.pem, certfile ${dir}/server.pem, keyfile ${dir}/server.key`);
  return EXIT.ok;
}
