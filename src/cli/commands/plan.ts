// `fleetstorm plan <scenario>`: the resolved target hosts and the offered-load envelope of a live
// run (peaks and when they happen), computed by the virtual engine, without sending anything to
// the target. Takes the flags of `run`; exit 2 when a peak exceeds a `target.limits` value.
import { assertWithinLimits, planJson, planLines, planScenario } from '../../app/plan/index.js';
import { EXIT, type ExitCode } from '../../errors/exit-codes.js';
import { loadScenario } from '../../scenario/index.js';
import { out } from '../output.js';
import type { RunFlags } from './run.js';

export async function planCommand(path: string, flags: RunFlags): Promise<ExitCode> {
  const s = await loadScenario(path, {
    profile: flags.profile,
    env: process.env,
    overrides: flags.overrides,
  });
  const plan = await planScenario(s);
  if (flags.json) out(JSON.stringify(planJson(plan, s)));
  else for (const line of planLines(plan, s)) out(line);
  assertWithinLimits(plan, s);
  return EXIT.ok;
}
