// Battery: charge is drained lazily (at each event, for the time since the last one, at the
// rate of the state the device was in), so an idle device costs no events. A device found flat
// went dark at the exact moment its charge crossed zero.
import type { Shard } from '../core/shard.js';
import { C, CS, OS } from '../metrics/catalog.js';
import { nextRange } from '../random/rng.js';
import { loseLink } from './connectivity.js';
import { otaPowerCut } from './ota.js';
import type { TypeParams } from './params.js';
import { cohortRecharged } from '../cohorts/track.js';

export function drainRate(sh: Shard, d: number, tp: TypeParams): number {
  const c = sh.a.conn[d] as number;
  if (c === CS.off || c === CS.dark || c === CS.bricked) return 0;
  let rate = c === CS.connected || c === CS.connecting ? tp.drainConnected : tp.drainSleep;
  const o = sh.a.ota[d] as number;
  if (o === OS.downloading) rate += tp.drainDownload;
  else if (o === OS.verifying || o === OS.installing || o === OS.rebooting) rate += tp.drainInstall;
  // A firmware version's own drain (`firmware-versions`), a multiplier on every current.
  return sh.drainByFw === null ? rate : rate * (sh.drainByFw[sh.a.fw[d] as number] as number);
}

/** Brings the battery to time t. Returns false (and darkens the device) when it went flat. */
export function drainTo(sh: Shard, d: number, t: number, tp: TypeParams): boolean {
  const a = sh.a;
  const since = a.battAt[d] as number;
  a.battAt[d] = t;
  if (tp.mainsPowered || t <= since) return true;
  const rate = drainRate(sh, d, tp);
  if (rate === 0) return true; // off, dark or bricked: nothing drains (and nothing goes flat again)
  const before = a.batt[d] as number;
  const after = before - rate * (t - since);
  if (after > 0) {
    a.batt[d] = after;
    return true;
  }
  const flatAt = since + before / rate;
  a.battAt[d] = flatAt;
  goFlat(sh, d, flatAt, tp);
  return false;
}

/** The battery is empty at `t`: the device goes dark (and maybe recharges later). */
export function goFlat(sh: Shard, d: number, t: number, tp: TypeParams): void {
  const a = sh.a;
  a.batt[d] = 0;
  sh.rec.add(C.battery_flat_total);
  if (sh.programs !== null) sh.programs.powerLoss(d); // then RAM is gone (flash stays)
  loseLink(sh, d, C['mqtt_disconnects_total{reason="power"}']);
  otaPowerCut(sh, d, t, tp, 'flat');
  if ((a.conn[d] as number) === CS.bricked) return;
  sh.setConn(d, CS.dark);
  a.connDue[d] = tp.recharge ? t + nextRange(a.rng, d, tp.rechargeMinUs, tp.rechargeMaxUs) : Infinity;
}

/** Power is cut at `t` (power-loss fault) and comes back at `backAt`. */
export function cutPower(sh: Shard, d: number, t: number, backAt: number, tp: TypeParams): void {
  const a = sh.a;
  const c = a.conn[d] as number;
  if (c === CS.dark || c === CS.bricked) return;
  const wasOff = c === CS.off;
  const pendingBoot = a.connDue[d] as number;
  if (sh.programs !== null && !wasOff) sh.programs.powerLoss(d); // then RAM is gone (flash stays)
  loseLink(sh, d, C['mqtt_disconnects_total{reason="power"}']);
  otaPowerCut(sh, d, t, tp, 'power');
  if ((a.conn[d] as number) === CS.bricked) return;
  sh.setConn(d, CS.off);
  // A device that was still waiting to power on does not boot earlier because of the cut.
  a.connDue[d] = wasOff && pendingBoot !== Infinity ? Math.max(backAt, pendingBoot) : backAt;
}

/** A dark device whose recharge time came: full battery, boots again. */
export function recharge(sh: Shard, d: number, t: number, tp: TypeParams): void {
  sh.a.batt[d] = tp.capacityMah;
  sh.a.battAt[d] = t;
  sh.rec.add(C.battery_recharged_total);
  if (sh.hasCohorts) cohortRecharged(sh.a, d, tp);
}
