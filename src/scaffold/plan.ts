// From `fleetstorm init` answers to the concrete values the templates print: durations, backend
// capacity sized to the fleet so the first run is interesting but not a wall of rejections.
import { ToolError } from '../errors/tool-error.js';
import type { Mode } from '../scenario/types.js';

export interface ScaffoldOptions {
  /** Scenario name; also the file name (`<dir>/<name>.yaml`). */
  name: string;
  devices: number;
  /** mqtt: always-connected devices; http: duty-cycled devices that check in for updates over HTTP. */
  protocol?: 'mqtt' | 'http';
  /** Add a firmware rollout campaign (and faults during it). */
  rollout: boolean;
  mode: Mode;
  /** Folder for the scenario; the device type goes to `<dir>/devices/`. */
  dir: string;
  /** Device type name; default `<name>-device`. */
  deviceType?: string;
  /**
   * Also scaffold a device program and its unit test: the program's name (`''`: the device
   * type's name). The device type then runs `./<program>.ts`.
   */
  program?: string;
}

export interface ScaffoldPlan {
  name: string;
  devices: number;
  protocol: 'mqtt' | 'http';
  rollout: boolean;
  mode: Mode;
  deviceType: string;
  scenarioFile: string;
  /** The program's name (its file is `devices/<program>.ts`), or null without `--program`. */
  program: string | null;
  firmware: string;
  nextFirmware: string;
  duration: string;
  powerOnSpread: string;
  /** Connects accepted per second, sized so power-on takes about two thirds of the spread. */
  connectRatePerSec: number;
  connectQueue: number;
  outageAt: string;
  outageFor: string;
  rolloutStart: string;
  waves: string[];
  waveInterval: string;
  firmwareSize: string;
}

const NAME_RE = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const MAX_DEVICES = 100_000_000;

function argError(flag: string, message: string, got: unknown, fix: string): ToolError {
  return new ToolError('FLEETSTORM_ERR_CLI_ARGUMENT', message, { where: flag, got, fix });
}

/** Rounds up to 1, 2 or 5 × 10^k, so generated rates read like a person wrote them. */
export function roundUpNice(value: number): number {
  if (value <= 1) return 1;
  const base = 10 ** Math.floor(Math.log10(value));
  const step = [1, 2, 5, 10].find((f) => f * base >= value) ?? 10;
  return step * base;
}

function check(o: ScaffoldOptions): void {
  if (!NAME_RE.test(o.name)) {
    throw argError(
      '--name',
      'scenario name may use letters, digits, `.`, `_` and `-` only',
      o.name,
      'pass e.g. `--name storm-test`',
    );
  }
  if (o.deviceType !== undefined && !NAME_RE.test(o.deviceType)) {
    throw argError(
      '--device-type',
      'device type name may use letters, digits, `.`, `_` and `-` only',
      o.deviceType,
      'pass e.g. `--device-type meter`',
    );
  }
  if (o.program !== undefined && o.program !== '' && !NAME_RE.test(o.program)) {
    throw argError(
      '--program',
      'program name may use letters, digits, `.`, `_` and `-` only',
      o.program,
      'pass e.g. `--program thermostat`',
    );
  }
  if (!Number.isInteger(o.devices) || o.devices < 1 || o.devices > MAX_DEVICES) {
    throw argError(
      '--devices',
      `device count must be a whole number from 1 to ${MAX_DEVICES}`,
      o.devices,
      'pass e.g. `--devices 10000`',
    );
  }
}

export function planScaffold(o: ScaffoldOptions): ScaffoldPlan {
  check(o);
  const live = o.mode === 'live';
  const spreadSec = live ? 60 : 600;
  const deviceType = o.deviceType ?? (o.program || `${o.name}-device`);
  return {
    name: o.name,
    devices: o.devices,
    protocol: o.protocol ?? 'mqtt',
    rollout: o.rollout,
    mode: o.mode,
    deviceType,
    scenarioFile: `${o.name}.yaml`,
    program: o.program === undefined ? null : o.program || deviceType,
    firmware: '1.0.0',
    nextFirmware: '1.1.0',
    duration: live ? '30m' : '6h',
    powerOnSpread: live ? '1m' : '10m',
    connectRatePerSec: Math.max(100, roundUpNice((o.devices * 1.5) / spreadSec)),
    connectQueue: Math.max(10_000, roundUpNice(o.devices / 10)),
    outageAt: live ? '20m' : '3h',
    outageFor: live ? '1m' : '10m',
    rolloutStart: live ? '5m' : '1h',
    waves: live ? ['10%', '100%'] : ['1%', '10%', '50%', '100%'],
    waveInterval: live ? '5m' : '30m',
    firmwareSize: live ? '256KiB' : '4MiB',
  };
}
