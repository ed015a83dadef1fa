import { join } from 'node:path';
import { parseDocument } from 'yaml';
import { describe, expect, it } from 'vitest';
import { isToolError } from '../../../src/errors/tool-error.js';
import { scaffoldScenario, type ScaffoldOptions } from '../../../src/scaffold/init.js';
import { identifierOf } from '../../../src/scaffold/program-template.js';

const base: ScaffoldOptions = { name: 'home', devices: 100, rollout: false, mode: 'virtual', dir: 'scen' };

describe('scaffoldScenario with a program', () => {
  it('adds the program and its test next to the device type, which names the program', () => {
    const { files } = scaffoldScenario({ ...base, program: 'sensor' });
    expect(files.map((f) => f.path)).toEqual([
      join('scen', 'home.yaml'),
      join('scen', 'devices', 'sensor.yaml'),
      join('scen', 'devices', 'sensor.ts'),
      join('scen', 'devices', 'sensor.test.ts'),
    ]);
    const type = parseDocument(files[1]!.content).toJS() as Record<string, unknown>;
    expect(type.program).toBe('./devices/sensor.ts'); // relative to the scenario file
    expect(files[2]!.content).toContain("from 'fleetstorm/program'");
    expect(files[3]!.content).toContain("from 'fleetstorm/testing'");
    expect(files[3]!.content).toContain("import sensor from './sensor.js'");
  });

  it('names the program after the device type when --program has no value', () => {
    const { files } = scaffoldScenario({ ...base, program: '', deviceType: 'meter' });
    expect(files.map((f) => f.path).slice(2)).toEqual([
      join('scen', 'devices', 'meter.ts'),
      join('scen', 'devices', 'meter.test.ts'),
    ]);
  });

  it('writes no program without the option', () => {
    const { files } = scaffoldScenario(base);
    expect(files).toHaveLength(2);
    expect(files[1]!.content).not.toContain('program:');
  });

  it('refuses a program name that is no file name', () => {
    let err: unknown;
    try {
      scaffoldScenario({ ...base, program: '../x' });
    } catch (e) {
      err = e;
    }
    expect(isToolError(err) && err.code).toBe('FLEETSTORM_ERR_CLI_ARGUMENT');
    expect(isToolError(err) && err.where).toBe('--program');
  });

  it('imports the program under a valid identifier', () => {
    expect(identifierOf('my-sensor.v2')).toBe('mySensorV2');
    expect(identifierOf('2nd_gen')).toBe('_2ndGen');
  });
});
