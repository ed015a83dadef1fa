// Rollout: parsed → RolloutConfig. Waves are cumulative and must increase. Pure.
import { ToolError } from '../errors/tool-error.js';
import type { At } from './resolve-device.js';
import { checkDeviceTypeNames } from './resolve-names.js';
import { resolveInstallWindow } from './resolve-lifecycle.js';
import type { RolloutParsed } from './schema.js';
import type { RolloutConfig, RolloutWave } from './types.js';
import { parseDurationUs, parseRatio, parseSizeBytes } from './units.js';

const DEFAULT_WAVE_INTERVAL = '1h';

function invalid(message: string, where: string, got: unknown, fix: string): ToolError {
  return new ToolError('FLEETSTORM_ERR_SCENARIO_INVALID', message, { where, got, fix });
}

function resolveWaves(waves: readonly (string | number)[], at: At): RolloutWave[] {
  let lastRatio = 0;
  let lastCount = 0;
  return waves.map((w, i) => {
    const where = at(`rollout.waves[${i}]`);
    if (typeof w === 'number') {
      if (w <= lastCount) throw notIncreasing(w, lastCount, where);
      lastCount = w;
      return { ratio: null, count: w };
    }
    const ratio = parseRatio(w, where);
    if (ratio <= lastRatio) throw notIncreasing(w, lastRatio === 0 ? '0%' : `${lastRatio * 100}%`, where);
    lastRatio = ratio;
    return { ratio, count: null };
  });
}

function notIncreasing(got: string | number, previous: string | number, where: string): ToolError {
  return invalid(
    'waves are cumulative targets and must increase',
    where,
    got,
    `use a target above ${previous}, e.g. \`waves: [1%, 10%, 50%, 100%]\``,
  );
}

function resolveFailureLimit(r: RolloutParsed, at: At): RolloutConfig['failureLimit'] {
  const limit = r['failure-limit'];
  const abortWhen = r['abort-when'];
  if (limit && abortWhen !== undefined) {
    throw invalid(
      'give `failure-limit` or `abort-when`, not both',
      at('rollout.abort-when'),
      abortWhen,
      'remove one',
    );
  }
  if (limit)
    return { ratio: parseRatio(limit.ratio, at('rollout.failure-limit.ratio')), action: limit.action };
  if (abortWhen === undefined) return null;
  const m = /^\s*ota_failure_ratio\s*>=?\s*(\S+)\s*$/.exec(abortWhen);
  if (!m) {
    throw invalid(
      'abort-when takes only `ota_failure_ratio > <share>`',
      at('rollout.abort-when'),
      abortWhen,
      'write `abort-when: "ota_failure_ratio > 2%"`, or use a threshold with `abort: true`',
    );
  }
  return { ratio: parseRatio(m[1] ?? '', at('rollout.abort-when')), action: 'abort' };
}

function toList(v: string | string[] | undefined): string[] | null {
  return v === undefined ? null : typeof v === 'string' ? [v] : v;
}

function resolveSelector(
  r: RolloutParsed,
  at: At,
  deviceTypes: readonly string[],
): RolloutConfig['selector'] {
  const s = r.selector;
  const types = toList(s.device);
  checkDeviceTypeNames(types, deviceTypes, at('rollout.selector.device'));
  const from = toList(s.from);
  if (r.kind === 'rollback' && from === null) {
    throw invalid(
      'a rollback needs the versions to roll back from',
      at('rollout.selector.from'),
      undefined,
      'add `selector: { from: 2.1.0 }`',
    );
  }
  return { deviceTypes: types, fromVersions: from, ratio: parseRatio(s.share, at('rollout.selector.share')) };
}

export function resolveRollout(
  r: RolloutParsed | undefined,
  at: At,
  deviceTypes: readonly string[],
): RolloutConfig | null {
  if (!r) return null;
  const interval = r['wave-interval'];
  const whenDone = r['wave-when-done'];
  const waveIntervalUs =
    interval === undefined
      ? whenDone === undefined
        ? parseDurationUs(DEFAULT_WAVE_INTERVAL)
        : null
      : parseDurationUs(interval, at('rollout.wave-interval'));
  if (waveIntervalUs === 0) {
    throw invalid('wave-interval must be positive', at('rollout.wave-interval'), interval, 'use e.g. `2h`');
  }
  const sizeBytes = parseSizeBytes(r.firmware.size, at('rollout.firmware.size'));
  if (sizeBytes <= 0) {
    throw invalid(
      'firmware size must be positive',
      at('rollout.firmware.size'),
      r.firmware.size,
      'use e.g. `4MiB`',
    );
  }
  return {
    firmware: { version: r.firmware.version, sizeBytes },
    startUs: parseDurationUs(r.start, at('rollout.start')),
    waves: resolveWaves(r.waves, at),
    waveIntervalUs,
    waveWhenDoneRatio: whenDone === undefined ? null : parseRatio(whenDone, at('rollout.wave-when-done')),
    selector: resolveSelector(r, at, deviceTypes),
    maxConcurrentDownloads: r['max-concurrent-downloads'] ?? null,
    failureLimit: resolveFailureLimit(r, at),
    kind: r.kind,
    ...resolveInstallWindow(r['install-window'], at),
  };
}
