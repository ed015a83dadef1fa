// The devices of a scenario's fleet as `fleetstorm certs --scenario` needs them: global index and
// device type name, in the order the engines number them (so `{id}` = `{type}-{index}` matches).
import { typeOrder } from '../device/params.js';
import { groupLookup } from '../device/rollout-plan.js';
import type { ResolvedScenario } from '../scenario/types.js';
import type { FleetDevice } from './write-fleet.js';

export function fleetDevicesOf(s: ResolvedScenario): FleetDevice[] {
  const names = typeOrder(s);
  const lookup = groupLookup(s);
  const n = s.fleet.reduce((sum, g) => sum + g.count, 0);
  return Array.from({ length: n }, (_, index) => ({ index, type: names[lookup(index).type] as string }));
}
