// Before a live run: against a host that is not this machine, the plan's lines are shown first;
// with `target.limits`, a plan whose peak exceeds one is refused (exit 2) before anything is sent.
import { hasRemoteTarget } from '../../live/target-hosts.js';
import type { ResolvedScenario } from '../../scenario/types.js';
import { planLines } from './format.js';
import { assertWithinLimits } from './limits-check.js';
import { planScenario, runNeedsPlan } from './plan.js';
import { assertPresetEnvelope } from './preset-check.js';

export async function preflight(s: ResolvedScenario, onPlan?: (lines: string[]) => void): Promise<void> {
  if (!runNeedsPlan(s)) return;
  const plan = await planScenario(s);
  if (hasRemoteTarget(s)) onPlan?.(planLines(plan, s));
  assertWithinLimits(plan, s);
  assertPresetEnvelope(plan, s);
}
