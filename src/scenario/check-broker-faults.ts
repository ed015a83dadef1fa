// An outage of some brokers (`backend-outage` with `params.brokers`) names brokers the run has:
// `backend.brokers` of the modelled backend in virtual mode, the `target.mqtt` URLs in live mode
// (the embedded backend is one broker). Checked once the mode and targets are known (layered).
import { ToolError } from '../errors/tool-error.js';
import { whereOf } from './issues.js';
import type { ResolvedScenario } from './types.js';

/** Brokers the run's devices are spread over. */
export function runBrokers(s: Pick<ResolvedScenario, 'mode' | 'backend' | 'target'>): number {
  return s.mode === 'live' ? Math.max(1, s.target.mqttUrls.length) : (s.backend.brokers ?? 1);
}

export function checkBrokerFaults(s: ResolvedScenario, label: string): void {
  const count = runBrokers(s);
  s.faults.forEach((f, i) => {
    const brokers = f.params.brokers;
    if (brokers === undefined) return;
    const where = whereOf(label, [`faults[${i}].params.brokers`]);
    const live = s.mode === 'live';
    if (count === 1) {
      throw new ToolError(
        'FLEETSTORM_ERR_SCENARIO_INVALID',
        '`brokers` picks some of several brokers; this run has one',
        {
          where,
          got: brokers,
          fix: live
            ? 'give several `target.mqtt` URLs (or --target-mqtt more than once), or remove `brokers` for an outage of the whole backend'
            : 'set `backend.brokers: 3` (or the count you model), or remove `brokers` for an outage of the whole backend',
        },
      );
    }
    const missing = brokers.find((b) => b >= count);
    if (missing !== undefined) {
      throw new ToolError('FLEETSTORM_ERR_SCENARIO_INVALID', `there is no broker ${missing}`, {
        where,
        got: brokers,
        fix: `brokers are numbered 0..${count - 1} (${count} ${live ? '`target.mqtt` URLs' : 'in `backend.brokers`'})`,
      });
    }
  });
}
