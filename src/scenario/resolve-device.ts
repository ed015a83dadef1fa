// Device type: parsed (units as strings) → DeviceType (µs, bytes, mA, ratios). Pure.
import { resolveDeviceTls } from './resolve-tls.js';
import { ToolError } from '../errors/tool-error.js';
import { resolveBirth, resolveWill } from './resolve-birth-will.js';
import { resolveIdentity } from './resolve-identity.js';
import { resolveTelemetry } from './resolve-telemetry.js';
import { resolveClock } from './resolve-schedule.js';
import { resolveCommands } from './resolve-commands.js';
import { resolveProvisioning } from './resolve-lifecycle.js';
import { resolveOtaProtocol } from './ota-settings/index.js';
import type { BackoffParsed, DeviceTypeParsed } from './schema-device.js';
import type { BackoffConfig, DeviceType, RadioConfig, RadioProfile, Range } from './types.js';
import {
  parseBandwidthBytesPerSec,
  parseChargeMah,
  parseCurrentMa,
  parseDurationRangeUs,
  parseDurationUs,
  parseRatio,
  parseRatioRange,
} from './units.js';

/** Builds `<file>: <path>` strings for one document. */
export type At = (path: string) => string;

export const RADIO_DEFAULTS: Record<RadioProfile, { bandwidth: string; latency: string; loss: string }> = {
  'nb-iot': { bandwidth: '30kbit/s', latency: '300ms..2s', loss: '1%' },
  'lte-m': { bandwidth: '300kbit/s', latency: '50ms..200ms', loss: '0.5%' },
  wifi: { bandwidth: '20Mbit/s', latency: '5ms..30ms', loss: '0.1%' },
  ethernet: { bandwidth: '100Mbit/s', latency: '1ms..5ms', loss: '0%' },
};

function invalid(message: string, where: string, got: unknown, fix: string): ToolError {
  return new ToolError('FLEETSTORM_ERR_SCENARIO_INVALID', message, { where, got, fix });
}

export function resolveBackoff(b: BackoffParsed, at: At, path: string): BackoffConfig {
  const baseUs = parseDurationUs(b.base, at(`${path}.base`));
  const maxUs = parseDurationUs(b.max, at(`${path}.max`));
  if (maxUs < baseUs) {
    throw invalid(
      'backoff max is below its base',
      at(`${path}.max`),
      b.max,
      `use a max of at least \`${b.base}\``,
    );
  }
  return { policy: b.policy, baseUs, maxUs, multiplier: b.multiplier };
}

function resolveRadio(r: DeviceTypeParsed['radio'], at: At): RadioConfig {
  const d = RADIO_DEFAULTS[r.profile];
  return {
    profile: r.profile,
    bandwidthBytesPerSec: parseBandwidthBytesPerSec(r.bandwidth ?? d.bandwidth, at('radio.bandwidth')),
    latencyUs: parseDurationRangeUs(r.latency ?? d.latency, at('radio.latency')),
    lossRatio: parseRatio(r.loss ?? d.loss, at('radio.loss')),
  };
}

function resolveBattery(b: DeviceTypeParsed['battery'], at: At): DeviceType['battery'] {
  return {
    capacityMah: b.capacity === 'mains' ? null : parseChargeMah(b.capacity, at('battery.capacity')),
    initialRatio: parseRatioRange(b.initial, at('battery.initial')),
    drainMa: {
      sleep: parseCurrentMa(b.drain.sleep, at('battery.drain.sleep')),
      connected: parseCurrentMa(b.drain.connected, at('battery.drain.connected')),
      download: parseCurrentMa(b.drain.download, at('battery.drain.download')),
      install: parseCurrentMa(b.drain.install, at('battery.drain.install')),
    },
    publishMah: parseChargeMah(b.publish, at('battery.publish')),
    onFlat: b['on-flat'],
    rechargeAfterUs: parseDurationRangeUs(b['recharge-after'], at('battery.recharge-after')),
  };
}

function range(value: string, at: At, path: string): Range {
  return parseDurationRangeUs(value, at(path));
}

function resolveOta(o: DeviceTypeParsed['ota'], at: At): DeviceType['ota'] {
  return {
    slots: o.slots,
    resume: o.resume,
    discovery: o.discovery,
    checkIntervalUs: parseDurationUs(o['check-interval'], at('ota.check-interval')),
    minBatteryRatio: parseRatio(o['min-battery'], at('ota.min-battery')),
    verifyUs: range(o.verify, at, 'ota.verify'),
    installUs: range(o.install, at, 'ota.install'),
    rebootUs: range(o.reboot, at, 'ota.reboot'),
    healthCheckUs: range(o['health-check'], at, 'ota.health-check'),
    healthFailureRatio: parseRatio(o['health-failure'], at('ota.health-failure')),
    maxAttempts: o['max-attempts'],
    retryBackoff: resolveBackoff(o['retry-backoff'], at, 'ota.retry-backoff'),
    ...resolveOtaProtocol(o, at),
  };
}

/** `program` as written (src/program/paths.ts makes it absolute against the scenario's folder). */
function resolveProgram(d: DeviceTypeParsed, at: At): Pick<DeviceType, 'program'> {
  if (d.program === undefined) return {};
  const budget = d['program-budget'] ?? '50ms';
  const budgetMs = parseDurationUs(budget, at('program-budget')) / 1000;
  if (!(budgetMs > 0))
    throw invalid('the program budget must be positive', at('program-budget'), budget, 'e.g. `50ms`');
  return { program: { path: d.program, budgetMs } };
}

/** `at` maps a path inside the device type to a `where` (file, or scenario + `fleet[i].device`). */
export function resolveDeviceType(name: string, d: DeviceTypeParsed, at: At): DeviceType {
  const c = d.connectivity;
  const protocol = c.protocol === 5 ? '5' : c.protocol;
  return {
    name,
    ...resolveProgram(d, at),
    firmware: d.firmware,
    radio: resolveRadio(d.radio, at),
    battery: resolveBattery(d.battery, at),
    connectivity: {
      mode: c.mode,
      keepaliveUs: parseDurationUs(c.keepalive, at('connectivity.keepalive')),
      connectTimeoutUs: parseDurationUs(c['connect-timeout'], at('connectivity.connect-timeout')),
      cleanSession: c['clean-session'],
      protocol,
      sessionExpiryUs: parseDurationUs(c['session-expiry'], at('connectivity.session-expiry')),
      backoff: resolveBackoff(c.backoff, at, 'connectivity.backoff'),
      identity: resolveIdentity(c, at),
      tls: resolveDeviceTls(c.tls, at),
      birth: resolveBirth(c.birth, at),
      will: resolveWill(c.will, at),
    },
    telemetry: resolveTelemetry(d.telemetry, at, name),
    clock: resolveClock(d.clock, at),
    ota: resolveOta(d.ota, at),
    commands: resolveCommands(d.commands, protocol, at),
    ...resolveProvisioning(d.provisioning, at),
  };
}
