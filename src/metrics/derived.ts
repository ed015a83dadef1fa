// Values derived from merged metrics (catalog DERIVED), usable in thresholds like counters.
// All are pure functions of totals, so shard reports re-derive them exactly after a merge.
import type { JsHistogram } from 'hdr-histogram-js';
import { DERIVED, type DerivedName, type HistogramName } from './catalog.js';
import { maxUsOf } from './hdr.js';
import type { MetricsReader } from './source.js';

/** Share of devices that must be back (or converged) for the fleet-level durations. */
export const FLEET_QUORUM_PERCENT = 99;

export interface DerivedInputs extends MetricsReader {
  /** Devices in the fleet (or shard). */
  devices: number;
  /** Last point of the on-target series, null when the run never set it. */
  onTargetRatio: number | null;
  /** Devices in OTA state `committed` at the end; the fallback for fleet_on_target_ratio. */
  committedDevices: number | null;
  /** Devices online (connected, or asleep by their duty cycle) at the latest barrier; null before the first. */
  onlineDevices: number | null;
}

export type DerivedValues = Record<DerivedName, number | null>;

function ratio(numerator: number, denominator: number): number | null {
  return denominator > 0 ? numerator / denominator : null;
}

/** Devices that make up the quorum of `total`, rounded up to whole devices (99% of 60 is 60). */
export function quorumDevices(total: number): number {
  // Integer product first: 0.99 * t can land just above an integer and round up one too far.
  return Math.ceil((FLEET_QUORUM_PERCENT * total) / 100);
}

/**
 * Time by which the quorum of `total` devices had an entry in `hist` (one value per device,
 * measured from a common start); null when fewer than the quorum ever did, or total is 0.
 */
export function quorumDurationUs(hist: JsHistogram, total: number): number | null {
  if (total <= 0) return null;
  const need = quorumDevices(total);
  const have = hist.totalCount;
  if (have === 0 || have < need) return null;
  return valueAtRank(hist, need);
}

/**
 * The value of the `rank`-th smallest entry (1-based), as getValueAtPercentile reports values
 * (bucket's highest equivalent value). Counted directly: the percentile 100 × rank / count
 * can be off by one entry after float rounding.
 */
export function valueAtRank(hist: JsHistogram, rank: number): number {
  let seen = 0;
  for (let i = 0; i < hist.countsArrayLength; i++) {
    seen += hist.getCountAtIndex(i);
    if (seen >= rank) return hist.highestEquivalentValue(hist.valueFromIndex(i));
  }
  return maxUsOf(hist);
}

/**
 * Devices whose update ended badly (gave up after its attempts, rolled back, bricked) per device
 * offered: the campaign's wave failure ratio, fleet-wide. A failed attempt that a retry (or a
 * resumed download) made good is not a failure; ota_failed_total{reason} counts those.
 */
function otaFailureRatio(m: MetricsReader): number | null {
  const failed =
    m.counter('ota_gave_up_total') + m.counter('ota_rolled_back_total') + m.counter('ota_bricked_total');
  return ratio(failed, m.counter('ota_offered_total'));
}

function onTargetRatio(inp: DerivedInputs): number | null {
  const targeted = inp.counter('ota_targeted_total');
  if (targeted <= 0) return null;
  if (inp.onTargetRatio !== null) return inp.onTargetRatio;
  return inp.committedDevices === null ? null : inp.committedDevices / targeted;
}

const RECOVERY: HistogramName = 'outage_reconnect_duration_us';
const RESUME: HistogramName = 'outage_resume_duration_us';
const CONVERGENCE: HistogramName = 'ota_commit_since_rollout_start_us';

export function computeDerived(inp: DerivedInputs): DerivedValues {
  const values: DerivedValues = {
    connect_failure_ratio: ratio(
      inp.counter('mqtt_connect_failed_total'),
      inp.counter('mqtt_connect_attempts_total'),
    ),
    publish_failure_ratio: ratio(inp.counter('mqtt_publish_failed_total'), inp.counter('mqtt_publish_total')),
    ota_failure_ratio: otaFailureRatio(inp),
    fleet_recovery_duration_us: quorumDurationUs(
      inp.histogram(RECOVERY),
      inp.counter('outage_tracked_devices_total'),
    ),
    fleet_resume_duration_us: quorumDurationUs(
      inp.histogram(RESUME),
      inp.counter('outage_sleeping_devices_total'),
    ),
    fleet_convergence_duration_us: quorumDurationUs(
      inp.histogram(CONVERGENCE),
      inp.counter('ota_targeted_total'),
    ),
    fleet_on_target_ratio: onTargetRatio(inp),
    fleet_online_ratio: inp.onlineDevices === null ? null : ratio(inp.onlineDevices, inp.devices),
    devices_total: inp.devices,
    command_answered_ratio: ratio(inp.counter('command_replied_total'), inp.counter('command_sent_total')),
    telemetry_loss_ratio: ratio(
      inp.counter('telemetry_dropped_total'),
      inp.counter('telemetry_buffered_total'),
    ),
  };
  // Catalog order, so report.json lists them the same way every time.
  return Object.fromEntries(DERIVED.map((n) => [n, values[n]])) as DerivedValues;
}

function quorumReason(what: string, hist: JsHistogram, total: number, noneText: string): string {
  if (total <= 0) return noneText;
  const need = quorumDevices(total);
  return `only ${hist.totalCount} of ${total} ${what} (${FLEET_QUORUM_PERCENT}% needs ${need})`;
}

/** A duty-cycled fleet has no connected devices to track: point at what measures it instead. */
function sleepersHint(m: MetricsReader): string {
  const sleeping = m.counter('outage_sleeping_devices_total');
  if (sleeping === 0) return 'no outage with connected devices';
  return `no outage with connected persistent devices; ${sleeping} duty-cycled devices were online: see fleet_resume_duration_us, outage_not_resumed_total`;
}

/** Why a derived value is null, for threshold messages. */
export function explainMissingDerived(name: DerivedName, m: MetricsReader): string {
  switch (name) {
    case 'connect_failure_ratio':
      return 'no connect attempts';
    case 'publish_failure_ratio':
      return 'no publishes';
    case 'ota_failure_ratio':
      return 'no updates offered';
    case 'fleet_recovery_duration_us':
      return quorumReason(
        'tracked devices reconnected after the outage',
        m.histogram(RECOVERY),
        m.counter('outage_tracked_devices_total'),
        sleepersHint(m),
      );
    case 'fleet_resume_duration_us':
      return quorumReason(
        'duty-cycled devices had a session after the outage',
        m.histogram(RESUME),
        m.counter('outage_sleeping_devices_total'),
        'no outage with duty-cycled devices online',
      );
    case 'fleet_convergence_duration_us':
      return quorumReason(
        'targeted devices committed the update',
        m.histogram(CONVERGENCE),
        m.counter('ota_targeted_total'),
        'no devices targeted by a rollout',
      );
    case 'fleet_on_target_ratio':
      return m.counter('ota_targeted_total') > 0
        ? 'no on-target count was reported for the targeted devices'
        : 'no devices targeted by a rollout';
    case 'fleet_online_ratio':
      return 'no devices, or no interval has ended yet';
    case 'devices_total':
      return 'no devices';
    case 'command_answered_ratio':
      return 'no operator commands sent';
    case 'telemetry_loss_ratio':
      return 'no readings buffered (no device type has `telemetry.buffer`, or none was offline)';
  }
}
