// What a scenario asks for that cannot happen in this run, decided from the resolved scenario
// alone: a rollout, wave or fault whose time falls outside the run, a selection that matches no
// device, a threshold about something the run never has (an outage, a rollout). A run of it
// would pass on what did not happen, so each is a warning in the report (summary, HTML, JUnit)
// and, under `--strict` (`strict: true` in a profile; the ci profile sets it), an error at load
// time. Pure: the same scenario always gives the same list.
import { ToolError } from '../errors/tool-error.js';
import { rolloutReach } from './vacuity-rollout.js';
import { formatDurationUs as fmt } from './units.js';
import type { FaultConfig, ResolvedScenario, ThresholdConfig } from './types.js';

export interface PlanWarning {
  /** Scenario field the warning is about, e.g. `rollout.start`, `faults[2].at`, `thresholds[0]`. */
  field: string;
  text: string;
}

const BACKEND_WIDE = new Set(['backend-outage', 'backend-slow', 'broker-reject']);

function fleetVersions(s: ResolvedScenario): Set<string> {
  return new Set(s.fleet.map((g) => g.firmware ?? s.deviceTypes[g.device]?.firmware ?? ''));
}

/** `fault f2 (battery-flat at 6h)`: how warnings name a fault. */
export function faultLabel(f: FaultConfig): string {
  const when =
    f.during !== null ? `during ${f.during}` : f.when !== null ? `when ${f.when}` : `at ${fmt(f.atUs ?? 0)}`;
  return `fault ${f.id} (${f.type} ${when})`;
}

/** Why a fault's `who` matches no device of the fleet, or null. */
function whoSelectsNobody(s: ResolvedScenario, f: FaultConfig): string | null {
  if (BACKEND_WIDE.has(f.type)) return null;
  const w = f.who;
  if (w.ratio === 0) return 'its share is 0%';
  if (w.count === 0) return 'its count is 0';
  const versions = fleetVersions(s);
  if (s.rollout) versions.add(s.rollout.firmware.version);
  const typeOk = (t: string): boolean => w.deviceTypes === null || w.deviceTypes.includes(t);
  const fwOk = (v: string): boolean => w.firmwareVersions === null || w.firmwareVersions.includes(v);
  if (!s.fleet.some((g) => typeOk(g.device)))
    return `no device of type ${(w.deviceTypes ?? []).join(', ')} is in the fleet`;
  if (![...versions].some(fwOk)) return `no device runs firmware ${(w.firmwareVersions ?? []).join(', ')}`;
  return null;
}

function faultWarnings(s: ResolvedScenario, rolloutOk: boolean): PlanWarning[] {
  const out: PlanWarning[] = [];
  s.faults.forEach((f, i) => {
    const label = faultLabel(f);
    const timed = f.during === null && f.when === null;
    if (timed && (f.atUs ?? 0) >= s.durationUs) {
      out.push({
        field: `faults[${i}].at`,
        text: `${label} starts after the run ends (${fmt(s.durationUs)}): never injected`,
      });
      return;
    }
    if (f.during !== null && f.during.startsWith('ota.') && !rolloutOk) {
      const why =
        s.rollout === null ? 'the scenario has no rollout' : 'no device gets the update in this run';
      out.push({ field: `faults[${i}].during`, text: `${label} can never start: ${why}` });
      return;
    }
    const nobody = whoSelectsNobody(s, f);
    if (nobody !== null)
      out.push({ field: `faults[${i}].who`, text: `${label} selects no device: ${nobody}` });
  });
  return out;
}

/** Does a backend outage certainly or possibly happen inside the run? */
function outagePossible(s: ResolvedScenario): boolean {
  return s.faults.some(
    (f) => f.type === 'backend-outage' && (f.when !== null || (f.atUs ?? 0) < s.durationUs),
  );
}

const LIVE_ONLY = ['mqtt_e2e_delivery_duration_us', 'generator_lag_us'];
const ROLLOUT_METRIC = /(^|\()\s*(ota_|fleet_convergence|fleet_on_target)/;
const OUTAGE_METRIC = /(^|\()\s*(outage_|fleet_recovery|fleet_resume)/;
const BUFFER_METRIC = /(^|\()\s*telemetry_loss_ratio/;
const PROVISION_METRIC = /\(\s*provision_duration/;

function anyProvisioning(s: ResolvedScenario): boolean {
  return Object.values(s.deviceTypes).some((t) => (t.provisioning ?? null) !== null);
}

function anyBuffer(s: ResolvedScenario): boolean {
  return Object.values(s.deviceTypes).some((t) => (t.telemetry.buffer ?? null) !== null);
}

function thresholdWarning(s: ResolvedScenario, t: ThresholdConfig, rolloutOk: boolean): string | null {
  if (t.allowEmpty === true) return null;
  const e = t.expr;
  if (ROLLOUT_METRIC.test(e) && !rolloutOk) {
    const why = s.rollout === null ? 'the scenario has no rollout' : 'no device gets the update in this run';
    return `threshold \`${e}\` is about a rollout, and ${why}: it will fail with no data`;
  }
  if (OUTAGE_METRIC.test(e) && !outagePossible(s))
    return `threshold \`${e}\` is about a backend outage, and none falls inside the run: it will fail with no data`;
  if (PROVISION_METRIC.test(e) && !anyProvisioning(s))
    return `threshold \`${e}\` is about provisioning, and no device type has \`provisioning\`: it will fail with no data`;
  if (BUFFER_METRIC.test(e) && !anyBuffer(s))
    return `threshold \`${e}\` is about offline buffers, and no device type has \`telemetry.buffer\`: it will fail with no data`;
  if (s.mode === 'virtual' && LIVE_ONLY.some((m) => e.includes(m)))
    return `threshold \`${e}\` is measured in live mode only: it will fail with no data`;
  return null;
}

/** Every warning about what this scenario asks for and the run cannot have, in scenario order. */
export function planWarnings(s: ResolvedScenario): PlanWarning[] {
  const reach = rolloutReach(s);
  const rolloutOk = s.rollout !== null && reach.reason === null;
  const out: PlanWarning[] = [];
  if (reach.reason !== null) out.push({ field: reach.field, text: reach.reason });
  out.push(...reach.waves);
  out.push(...faultWarnings(s, rolloutOk));
  s.thresholds.forEach((t, i) => {
    const text = thresholdWarning(s, t, rolloutOk);
    if (text !== null) out.push({ field: `thresholds[${i}]`, text });
  });
  return out;
}

/** Under `--strict`: the first plan warning as a load-time error (exit 2), naming how many more. */
export function refuseVacuous(s: ResolvedScenario, label: string): void {
  const list = planWarnings(s);
  const first = list[0];
  if (first === undefined) return;
  const more = list.length > 1 ? ` (and ${list.length - 1} more)` : '';
  throw new ToolError('FLEETSTORM_ERR_SCENARIO_VACUOUS', `${first.text}${more}`, {
    where: `${label}: ${first.field}`,
    fix: `move it inside the run (duration ${fmt(s.durationUs)}) or make it select devices; a threshold may say \`allow-empty: true\`; without --strict (or strict: true in the profile) this is a warning`,
  });
}
