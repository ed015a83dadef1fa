// Per-device tallies for cohort comparison, kept in the shard's typed arrays (src/core/
// shard-layout.ts: the coh* slots, allocated only when the run compares cohorts). The hot path
// calls these behind `sh.hasCohorts`; the statistics are worked out once, at the end of the run
// (collect.ts). A firmware update is the one moment a device changes cohort: the tallies then
// are kept (cohChg*), so the time before it counts for the old version and the rest for the new.
import type { Shard } from '../core/shard.js';
import type { ShardArrays } from '../core/shard-layout.js';
import type { TypeParams } from '../device/params.js';
import { drainRate } from '../device/power.js';

/** cohFwPrev when the device's firmware never changed. */
export const NO_CHANGE = 255;

/** After initShard: charge at power-on, and the power-on time the device is observed from. */
export function cohortInit(sh: Shard): void {
  const a = sh.a;
  a.cohOnAt.set(a.battAt);
  a.cohCharge.set(a.batt);
  a.cohFwPrev.fill(NO_CHANGE);
}

export function cohortPublish(a: ShardArrays, d: number): void {
  a.cohPub[d] = (a.cohPub[d] as number) + 1;
}

export function cohortPublishFailed(a: ShardArrays, d: number): void {
  a.cohFail[d] = (a.cohFail[d] as number) + 1;
}

/** The link died under a connected device: its next session is a reconnect. */
export function cohortLinkLost(a: ShardArrays, d: number): void {
  a.cohLost[d] = 1;
}

export function cohortConnected(a: ShardArrays, d: number): void {
  if (a.cohLost[d] === 0) return;
  a.cohLost[d] = 0;
  a.cohRecon[d] = (a.cohRecon[d] as number) + 1;
}

/** The OTA attempt ended for good without the new version (failed, rolled back, bricked). */
export function cohortOtaFailed(a: ShardArrays, d: number): void {
  a.cohOta[d] = (a.cohOta[d] as number) + 1;
}

export function cohortRecharged(a: ShardArrays, d: number, tp: TypeParams): void {
  a.cohCharge[d] = (a.cohCharge[d] as number) + tp.capacityMah;
}

/** Charge drawn from the battery from power-on to t (the lazy drain brought to t). */
export function drainedTo(sh: Shard, d: number, t: number, tp: TypeParams): number {
  const a = sh.a;
  if (tp.mainsPowered) return 0;
  let batt = a.batt[d] as number;
  const since = a.battAt[d] as number;
  if (t > since) batt = Math.max(0, batt - drainRate(sh, d, tp) * (t - since));
  return (a.cohCharge[d] as number) - batt;
}

/** The device is about to run another firmware version (an update committed at t). */
export function cohortFirmwareChange(sh: Shard, d: number, t: number, tp: TypeParams): void {
  const a = sh.a;
  a.cohFwPrev[d] = a.fw[d] as number;
  a.cohChgAt[d] = t;
  a.cohChgDrained[d] = drainedTo(sh, d, t, tp);
  a.cohChgPub[d] = a.cohPub[d] as number;
  a.cohChgFail[d] = a.cohFail[d] as number;
  a.cohChgRecon[d] = a.cohRecon[d] as number;
  a.cohChgOta[d] = a.cohOta[d] as number;
}
