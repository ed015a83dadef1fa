// The account-wide quota a preset can only check against the plan: AWS IoT Core's 500 CONNECT/s
// per account (default), compared with the planned connect peak unless `target.limits.connect-rate`
// already holds the fleet under it.
import { ToolError } from '../../errors/tool-error.js';
import { AWS_CONNECTS_PER_SEC } from '../../scenario/presets/index.js';
import type { ResolvedScenario } from '../../scenario/types.js';
import { formatDurationUs } from '../../scenario/units.js';
import type { Plan } from './plan.js';

const LIMITS = 'https://docs.aws.amazon.com/general/latest/gr/iot-core.html#message-broker-limits';

export function assertPresetEnvelope(plan: Plan, s: ResolvedScenario): void {
  if (s.target.preset !== 'aws-iot-core') return;
  const held = s.target.limits?.connectRatePerSec ?? null;
  if (held !== null && held <= AWS_CONNECTS_PER_SEC) return;
  const peak = plan.envelope.peaks.connectsPerSec;
  if (peak.value <= AWS_CONNECTS_PER_SEC) return;
  throw new ToolError(
    'FLEETSTORM_ERR_PLATFORM_QUOTA',
    `breaks AWS IoT Core's quota: ${AWS_CONNECTS_PER_SEC} CONNECT per second per account (${LIMITS})`,
    {
      where: `${s.sourcePath ?? s.name}: power-on.spread`,
      got: `a planned peak of ${Number(peak.value.toPrecision(4))} connects/s at ${formatDurationUs(peak.atUs)} virtual`,
      fix: `spread power-on over longer, lower --devices or --speed, or set target.limits.connect-rate: ${AWS_CONNECTS_PER_SEC}/s`,
    },
  );
}
