// `fleetstorm init`: scaffolds a scenario and its device type as commented YAML the user edits.
// Pure: returns the files; the CLI decides where and whether to write them (see write.ts).
import { join } from 'node:path';
import { deviceTypeYaml } from './device-template.js';
import { planScaffold, type ScaffoldOptions } from './plan.js';
import { programTestTs, programTs } from './program-template.js';
import { scenarioYaml } from './scenario-template.js';

export type { ScaffoldOptions } from './plan.js';

export interface ScaffoldFile {
  path: string;
  content: string;
}

export interface ScaffoldResult {
  files: ScaffoldFile[];
}

/**
 * The scenario (`<dir>/<name>.yaml`) and its device type (`<dir>/devices/<type>.yaml`); with
 * `program`, also the device program and its vitest test (`<dir>/devices/<program>.ts`, `.test.ts`).
 */
export function scaffoldScenario(options: ScaffoldOptions): ScaffoldResult {
  const plan = planScaffold(options);
  const scenarioPath = join(options.dir, plan.scenarioFile);
  const withPath = { ...plan, scenarioFile: scenarioPath };
  const files = [
    { path: scenarioPath, content: scenarioYaml(withPath) },
    { path: join(options.dir, 'devices', `${plan.deviceType}.yaml`), content: deviceTypeYaml(withPath) },
  ];
  if (plan.program !== null) {
    files.push(
      { path: join(options.dir, 'devices', `${plan.program}.ts`), content: programTs(plan.program) },
      { path: join(options.dir, 'devices', `${plan.program}.test.ts`), content: programTestTs(plan.program) },
    );
  }
  return { files };
}
