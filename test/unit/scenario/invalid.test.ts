// Every invalid fixture: the exact error code, the exact `where` (file + field path) and, where it
// matters, the fix. One line per error, as the CLI prints it.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ErrorCode } from '../../../src/errors/codes.js';
import { ToolError } from '../../../src/errors/tool-error.js';
import { parseText } from '../../../src/scenario/documents.js';
import { loadScenario, validateFiles } from '../../../src/scenario/index.js';

const DIR = 'test/fixtures/invalid';

interface Case {
  file: string;
  code: ErrorCode;
  /** Field path after `<file>: `; '' when the error is about the whole file. */
  path: string;
  fix?: string;
  message?: string;
}

const CASES: Case[] = [
  {
    file: 'unknown-key.yaml',
    code: 'FLEETSTORM_ERR_SCENARIO_INVALID',
    path: 'durtion',
    fix: 'did you mean `duration`?',
  },
  {
    file: 'unknown-nested-key.yaml',
    code: 'FLEETSTORM_ERR_SCENARIO_INVALID',
    path: 'power-on.sprad',
    fix: '`spread`',
  },
  { file: 'wrong-type.yaml', code: 'FLEETSTORM_ERR_SCENARIO_INVALID', path: 'seed' },
  {
    file: 'negative-count.yaml',
    code: 'FLEETSTORM_ERR_SCENARIO_INVALID',
    path: 'fleet[1].count',
    fix: 'at least 1',
  },
  { file: 'bad-duration.yaml', code: 'FLEETSTORM_ERR_SCENARIO_UNIT', path: 'duration', fix: '`15m`' },
  {
    file: 'range-min-above-max.yaml',
    code: 'FLEETSTORM_ERR_SCENARIO_UNIT',
    path: 'faults[0].duration',
    fix: '`30s..10m`',
  },
  {
    file: 'unknown-device-type.yaml',
    code: 'FLEETSTORM_ERR_DEVICE_TYPE',
    path: 'fleet[0].device',
    fix: '`sensor`',
  },
  {
    file: 'unknown-fault-type.yaml',
    code: 'FLEETSTORM_ERR_SCENARIO_INVALID',
    path: 'faults[0].type',
    fix: '`radio-drop`',
  },
  {
    file: 'bad-during-state.yaml',
    code: 'FLEETSTORM_ERR_SCENARIO_INVALID',
    path: 'faults[0].during',
    fix: '`ota.downloading`',
  },
  {
    file: 'ratio-over-100.yaml',
    code: 'FLEETSTORM_ERR_SCENARIO_INVALID',
    path: 'faults[0].who',
    fix: '100%',
  },
  { file: 'waves-not-increasing.yaml', code: 'FLEETSTORM_ERR_SCENARIO_INVALID', path: 'rollout.waves[1]' },
  { file: 'missing-name.yaml', code: 'FLEETSTORM_ERR_SCENARIO_INVALID', path: 'name', fix: 'add `name`' },
  {
    file: 'bad-threshold-shape.yaml',
    code: 'FLEETSTORM_ERR_SCENARIO_INVALID',
    path: 'thresholds[1].expression',
    fix: 'did you mean `expr`?',
  },
  {
    file: 'bad-backoff-policy.yaml',
    code: 'FLEETSTORM_ERR_SCENARIO_INVALID',
    path: 'fleet[0].device.connectivity.backoff.policy',
    fix: 'none, equal, full, decorrelated',
  },
  { file: 'zero-interval.yaml', code: 'FLEETSTORM_ERR_SCENARIO_INVALID', path: 'interval' },
  {
    file: 'interval-longer-than-run.yaml',
    code: 'FLEETSTORM_ERR_SCENARIO_INVALID',
    path: 'interval',
    fix: '`1h`',
  },
  { file: 'empty-fleet.yaml', code: 'FLEETSTORM_ERR_SCENARIO_INVALID', path: 'fleet' },
  {
    file: 'unknown-metric.yaml',
    code: 'FLEETSTORM_ERR_THRESHOLD',
    path: 'thresholds[0]',
    message: 'did you mean "mqtt_connect_duration_us"?',
  },
  {
    file: 'bad-size.yaml',
    code: 'FLEETSTORM_ERR_SCENARIO_UNIT',
    path: 'rollout.firmware.size',
    fix: '`4MiB`',
  },
  { file: 'share-and-count.yaml', code: 'FLEETSTORM_ERR_SCENARIO_INVALID', path: 'faults[0].who' },
  { file: 'backend-fault-with-who.yaml', code: 'FLEETSTORM_ERR_SCENARIO_INVALID', path: 'faults[0].who' },
  {
    file: 'when-and-at.yaml',
    code: 'FLEETSTORM_ERR_SCENARIO_INVALID',
    path: 'faults[0].at',
    fix: 'remove `at`',
  },
  { file: 'bad-when-metric.yaml', code: 'FLEETSTORM_ERR_THRESHOLD', path: 'faults[0].when' },
  {
    file: 'who-count-with-state.yaml',
    code: 'FLEETSTORM_ERR_SCENARIO_INVALID',
    path: 'faults[0].who.count',
    fix: 'give `who.share`',
  },
  {
    file: 'who-state-with-during.yaml',
    code: 'FLEETSTORM_ERR_SCENARIO_INVALID',
    path: 'faults[0].who.state',
    fix: 'remove `who.state`',
  },
  { file: 'bad-target-url.yaml', code: 'FLEETSTORM_ERR_SCENARIO_INVALID', path: 'target.mqtt' },
  {
    file: 'unknown-extends.yaml',
    code: 'FLEETSTORM_ERR_DEVICE_TYPE',
    path: 'fleet[0].device.extends',
    fix: '`sensor`',
  },
  {
    file: 'fault-without-time.yaml',
    code: 'FLEETSTORM_ERR_SCENARIO_INVALID',
    path: 'faults[0]',
    fix: '`at: 1h`',
  },
  { file: 'bad-mode.yaml', code: 'FLEETSTORM_ERR_SCENARIO_INVALID', path: 'mode', fix: 'virtual, live' },
  {
    file: 'rollback-without-from.yaml',
    code: 'FLEETSTORM_ERR_SCENARIO_INVALID',
    path: 'rollout.selector.from',
  },
  {
    file: 'wrong-fault-param.yaml',
    code: 'FLEETSTORM_ERR_SCENARIO_INVALID',
    path: 'faults[0].params.slow-factor',
  },
  { file: 'bad-qos.yaml', code: 'FLEETSTORM_ERR_SCENARIO_INVALID', path: 'fleet[0].device.telemetry.qos' },
  {
    file: 'selector-unknown-device.yaml',
    code: 'FLEETSTORM_ERR_DEVICE_TYPE',
    path: 'rollout.selector.device',
    fix: 'the fleet has: sensor',
  },
  {
    file: 'abort-when-unsupported.yaml',
    code: 'FLEETSTORM_ERR_SCENARIO_INVALID',
    path: 'rollout.abort-when',
    fix: 'ota_failure_ratio',
  },
  { file: 'not-a-mapping.yaml', code: 'FLEETSTORM_ERR_SCENARIO_INVALID', path: '' },
];

function errorOf(fn: () => unknown): ToolError {
  try {
    fn();
  } catch (e) {
    if (e instanceof ToolError) return e;
    throw e;
  }
  throw new Error('expected a ToolError');
}

async function loadError(path: string): Promise<ToolError> {
  try {
    await loadScenario(path, { env: {} });
  } catch (e) {
    if (e instanceof ToolError) return e;
    throw e;
  }
  throw new Error(`${path} loaded without an error`);
}

describe('invalid scenario fixtures', () => {
  it.each(CASES)('$file → $code at `$path`', async ({ file, code, path, fix, message }) => {
    const full = join(DIR, file);
    const err = await loadError(full);
    const where = path === '' ? full : `${full}: ${path}`;
    expect(err.code).toBe(code);
    expect(err.where).toBe(where);
    const line = err.toLine();
    expect(line).toContain(`${code}: ${where}: `);
    expect(line).not.toContain('\n');
    if (fix !== undefined) expect(err.fix).toContain(fix);
    if (message !== undefined) expect(err.message).toContain(message);
  });

  it('reports malformed YAML with its line and column', async () => {
    const err = await loadError(join(DIR, 'malformed.yaml'));
    expect(err.code).toBe('FLEETSTORM_ERR_SCENARIO_PARSE');
    expect(err.where).toBe(`${join(DIR, 'malformed.yaml')}:6:1`);
    expect(err.message).toContain('unique');
  });

  it('reports YAML and JSON syntax errors', () => {
    const yamlErr = errorOf(() =>
      parseText('name: x\nfleet:\n  - { device: sensor, count: 10\nfaults: []\n', 'x.yaml'),
    );
    expect(yamlErr.code).toBe('FLEETSTORM_ERR_SCENARIO_PARSE');
    expect(yamlErr.where).toBe('x.yaml:4:1');
    expect(yamlErr.toLine()).not.toContain('\n');
    const jsonErr = errorOf(() => parseText('{ "name": ', 'x.json'));
    expect(jsonErr.code).toBe('FLEETSTORM_ERR_SCENARIO_PARSE');
    expect(jsonErr.where).toBe('x.json');
  });

  it('reports a missing file', async () => {
    const err = await loadError(join(DIR, 'does-not-exist.yaml'));
    expect(err.code).toBe('FLEETSTORM_ERR_SCENARIO_NOT_FOUND');
  });

  it('reports an invalid device type file against that file', async () => {
    const err = await loadError(join(DIR, 'broken-device-ref.yaml'));
    expect(err.code).toBe('FLEETSTORM_ERR_DEVICE_TYPE');
    expect(err.where).toBe(join(DIR, 'devices', 'broken-device.yaml: radio.profile'));
    expect(err.fix).toContain('nb-iot');
  });

  it('has at least 15 invalid fixtures, each covered by a case', () => {
    const special = ['malformed.yaml', 'broken-device-ref.yaml'];
    const files = readdirSync(DIR).filter((f) => f.endsWith('.yaml') && !special.includes(f));
    expect(CASES.map((c) => c.file).sort()).toEqual(files.sort());
    expect(CASES.length).toBeGreaterThanOrEqual(15);
  });
});

describe('validateFiles on invalid files', () => {
  it('reports each file separately with its kind', async () => {
    const results = await validateFiles([
      join(DIR, 'devices', 'broken-device.yaml'),
      join(DIR, 'profiles', 'bad-profile.yaml'),
      join(DIR, 'bad-mode.yaml'),
      'scenarios/quickstart.yaml',
    ]);
    expect(results.map((r) => [r.kind, r.ok, r.error?.code, r.error?.where])).toEqual([
      [
        'device-type',
        false,
        'FLEETSTORM_ERR_DEVICE_TYPE',
        join(DIR, 'devices', 'broken-device.yaml: radio.profile'),
      ],
      ['profile', false, 'FLEETSTORM_ERR_PROFILE', join(DIR, 'profiles', 'bad-profile.yaml: max-devices')],
      ['scenario', false, 'FLEETSTORM_ERR_SCENARIO_INVALID', join(DIR, 'bad-mode.yaml: mode')],
      ['scenario', true, undefined, undefined],
    ]);
  });
});
