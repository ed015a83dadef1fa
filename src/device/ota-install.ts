// OTA agent, part 2: verify the image (SHA-256; a corrupt image is rejected, never installed),
// install to the inactive slot, reboot, health check, then commit or roll back. Single-slot
// devices overwrite their only image, so power lost during install or reboot bricks them; A/B
// devices keep the active slot and simply retry.
import { cohortFirmwareChange, cohortOtaFailed } from '../cohorts/track.js';
import { FLAG, OTA_PEND } from '../core/shard-layout.js';
import type { Shard } from '../core/shard.js';
import { DURING } from '../faults/plan.js';
import { countHit } from '../faults/count.js';
import { hitDuring } from '../faults/select.js';
import { C, CS, H, OS } from '../metrics/catalog.js';
import { nextFloat, nextRange } from '../random/rng.js';
import { backoffDelayUs } from './backoff.js';
import { attemptConnect, loseLink } from './connectivity.js';
import { interruptDownload, scheduleCheck, waveStat } from './ota.js';
import type { TypeParams } from './params.js';
import { cutPower, goFlat } from './power.js';
import { WAVE_STAT } from './rollout-plan.js';
import { TE, readTrail, trail } from './trail.js';
import { insideWindow, windowWaitUs } from './install-window.js';

export function startVerify(sh: Shard, d: number, t: number, tp: TypeParams): void {
  sh.setOta(d, OS.verifying);
  const f = hitDuring(sh, d, sh.st.faults.during[DURING['ota.verifying']] ?? []);
  if (f !== null && f.type === 'corrupt-image') {
    countHit(sh, f);
    sh.a.flags[d] = (sh.a.flags[d] as number) | FLAG.corrupt;
  }
  sh.a.otaPend[d] = OTA_PEND.done;
  sh.a.otaDue[d] = t + nextRange(sh.a.rng, d, tp.verifyMinUs, tp.verifyMaxUs);
}

/** Draws a power-loss `during` fault for a state that lasts until endAt. */
function drawPowerLoss(sh: Shard, d: number, t: number, endAt: number, during: number): void {
  const a = sh.a;
  a.otaPend[d] = OTA_PEND.done;
  a.otaDue[d] = endAt;
  const f = hitDuring(sh, d, sh.st.faults.during[during] ?? []);
  if (f === null || (f.type !== 'power-loss' && f.type !== 'battery-flat')) return;
  countHit(sh, f);
  a.otaPend[d] = f.type === 'power-loss' ? OTA_PEND.powerLoss : OTA_PEND.flat;
  a.otaDue[d] = t + nextFloat(a.rng, d) * (endAt - t);
  a.otaAux[d] = nextRange(a.rng, d, f.durMinUs, f.durMaxUs);
}

export function otaInstallEvent(sh: Shard, d: number, t: number, tp: TypeParams): void {
  const a = sh.a;
  const pend = a.otaPend[d] as number;
  a.otaPend[d] = OTA_PEND.none;
  if (pend === OTA_PEND.powerLoss) return cutPower(sh, d, t, t + (a.otaAux[d] as number), tp);
  if (pend === OTA_PEND.flat) return goFlat(sh, d, t, tp);
  switch (a.ota[d] as number) {
    case OS.verifying:
      return verified(sh, d, t, tp);
    case OS.installing:
      return installed(sh, d, t, tp);
    case OS.rebooting:
      return rebooted(sh, d, t, tp);
    case OS['health-check']:
      return healthChecked(sh, d, t, tp);
    default:
      return;
  }
}

function verified(sh: Shard, d: number, t: number, tp: TypeParams): void {
  const a = sh.a;
  if ((a.flags[d] as number) & FLAG.corrupt) {
    a.dlBytes[d] = 0;
    a.flags[d] = (a.flags[d] as number) & ~FLAG.corrupt;
    trail(sh, d, t, TE['verify-failed']);
    return failAttempt(sh, d, t, tp, C['ota_failed_total{reason="verify"}'], t);
  }
  if (!tp.mainsPowered && (a.batt[d] as number) < tp.otaMinBattery * tp.capacityMah) {
    // The verified image stays in the inactive slot: the retry installs it, no second download.
    trail(sh, d, t, TE['battery-gate']);
    return failAttempt(sh, d, t, tp, C['ota_failed_total{reason="battery"}'], t);
  }
  if (sh.port.installAllowed?.(sh, d) === false || (sh.programs !== null && !sh.programs.beforeInstall(d))) {
    // Download now, install in the window: the verified image stays, the next poll asks again.
    sh.setOta(d, OS.idle);
    return scheduleCheck(sh, d, t, tp, false);
  }
  const win = sh.st.rollout?.window ?? null;
  const waitUs = win === null ? 0 : windowWaitUs(win, sh.st.seed, sh.globalId(d), t, tp.installMaxUs);
  if (waitUs > 0) {
    // `install-window`: the verified image stays; the agent asks again when the window opens.
    sh.rec.add(C.ota_install_deferred_total);
    sh.setOta(d, OS.idle);
    a.otaDue[d] = t + waitUs;
    return;
  }
  sh.rec.add(C.ota_install_started_total);
  a.dlBytes[d] = 0;
  trail(sh, d, t, TE['install-start']);
  sh.setOta(d, OS.installing);
  sh.port.otaReport?.(sh, d, t, tp, 'installing');
  drawPowerLoss(
    sh,
    d,
    t,
    t + nextRange(a.rng, d, tp.installMinUs, tp.installMaxUs),
    DURING['ota.installing'],
  );
}

function installed(sh: Shard, d: number, t: number, tp: TypeParams): void {
  const win = sh.st.rollout?.window ?? null;
  // The install has to have fitted in the window: one that ends past it overran the maintenance.
  if (win !== null && !insideWindow(win, sh.st.seed, sh.globalId(d), t))
    sh.rec.add(C.ota_install_outside_window_total);
  sh.port.otaReport?.(sh, d, t, tp, 'rebooting'); // sent before the device goes down
  trail(sh, d, t, TE.reboot);
  loseLink(sh, d, -1);
  if (sh.programs !== null) sh.programs.ramLost(d);
  sh.setConn(d, CS.off);
  sh.setOta(d, OS.rebooting);
  drawPowerLoss(
    sh,
    d,
    t,
    t + nextRange(sh.a.rng, d, tp.rebootMinUs, tp.rebootMaxUs),
    DURING['ota.rebooting'],
  );
}

function rebooted(sh: Shard, d: number, t: number, tp: TypeParams): void {
  if (sh.programs !== null) sh.programs.boot(d); // the new firmware boots (its program starts afresh)
  attemptConnect(sh, d, t, tp);
  sh.port.otaBoot?.(sh, d, t, tp);
  sh.setOta(d, OS['health-check']);
  const end = t + nextRange(sh.a.rng, d, tp.healthMinUs, tp.healthMaxUs);
  drawPowerLoss(sh, d, t, end, DURING['ota.health-check']);
}

function healthChecked(sh: Shard, d: number, t: number, tp: TypeParams): void {
  const a = sh.a;
  if (nextFloat(a.rng, d) < tp.healthFailureRatio) {
    trail(sh, d, t, TE['health-failed']);
    return tp.otaSingleSlot ? brick(sh, d, t) : rollBack(sh, d, t);
  }
  const plan = sh.st.rollout;
  if (plan && sh.hasCohorts && a.fw[d] !== plan.version) cohortFirmwareChange(sh, d, t, tp);
  if (plan) a.fw[d] = plan.version;
  trail(sh, d, t, TE.committed);
  sh.setOta(d, OS.committed);
  a.flags[d] = (a.flags[d] as number) | FLAG.otaDone;
  sh.rec.add(C.ota_succeeded_total);
  sh.port.otaReport?.(sh, d, t, tp, 'success');
  sh.rec.record(H.ota_time_to_update_us, t - (a.otaOfferAt[d] as number));
  const started = sh.rolloutState?.startedAtUs ?? -1;
  if (started >= 0) sh.rec.record(H.ota_commit_since_rollout_start_us, t - started);
  waveStat(sh, d, WAVE_STAT.succeeded);
  if (sh.programs !== null) sh.programs.afterCommit(d);
}

function finish(
  sh: Shard,
  d: number,
  t: number,
  state: number,
  outcome: 'failed' | 'rolled-back' | 'bricked',
): void {
  const a = sh.a;
  sh.setOta(d, state);
  a.flags[d] = (a.flags[d] as number) | FLAG.otaDone;
  a.otaDue[d] = Infinity;
  if (sh.hasCohorts) cohortOtaFailed(a, d);
  const stat =
    outcome === 'failed'
      ? WAVE_STAT.failed
      : outcome === 'bricked'
        ? WAVE_STAT.bricked
        : WAVE_STAT.rolledBack;
  waveStat(sh, d, stat);
  const tp = sh.st.types[a.type[d] as number];
  // A bricked device says nothing more; the others tell the server why they stopped.
  if (tp && outcome !== 'bricked') sh.port.otaReport?.(sh, d, t, tp, 'failure', outcome);
  sh.outcomes.add({
    device: sh.globalId(d),
    deviceType: tp ? tp.name : '?',
    outcome,
    trail: readTrail(sh, d),
  });
}

function rollBack(sh: Shard, d: number, t: number): void {
  trail(sh, d, t, TE['rolled-back']);
  sh.rec.add(C['ota_failed_total{reason="health"}']);
  sh.rec.add(C.ota_rolled_back_total);
  finish(sh, d, t, OS['rolled-back'], 'rolled-back');
}

function brick(sh: Shard, d: number, t: number): void {
  const a = sh.a;
  trail(sh, d, t, TE.bricked);
  sh.rec.add(C.ota_bricked_total);
  loseLink(sh, d, -1);
  sh.setConn(d, CS.bricked);
  a.connDue[d] = Infinity;
  finish(sh, d, t, OS.bricked, 'bricked');
}

/** A failed attempt: retry after backoff (from `retryFrom`), or give up after maxAttempts. */
export function failAttempt(
  sh: Shard,
  d: number,
  t: number,
  tp: TypeParams,
  counter: number,
  retryFrom: number,
): void {
  const a = sh.a;
  sh.rec.add(counter);
  const attempt = (a.otaAttempt[d] as number) + 1;
  a.otaAttempt[d] = Math.min(255, attempt);
  a.otaPend[d] = OTA_PEND.none;
  if (attempt >= tp.otaMaxAttempts) {
    trail(sh, d, t, TE['gave-up']);
    sh.rec.add(C.ota_gave_up_total);
    return finish(sh, d, t, OS.failed, 'failed');
  }
  trail(sh, d, t, TE.retry);
  sh.setOta(d, OS['retry-wait']);
  const delay = backoffDelayUs(tp.otaBackoff, attempt - 1, a.otaBackoffPrevUs[d] as number, a.rng, d);
  a.otaBackoffPrevUs[d] = delay;
  a.otaDue[d] = retryFrom === Infinity ? Infinity : retryFrom + delay;
}

/** Power is cut (power-loss fault or flat battery) at t, whatever the OTA agent was doing. */
export function otaPowerCut(sh: Shard, d: number, t: number, tp: TypeParams, kind: 'flat' | 'power'): void {
  sh.port.otaPowerLost?.(sh, d); // what the agent kept in RAM only is gone
  const a = sh.a;
  const o = a.ota[d] as number;
  if (o === OS.idle || o === OS['retry-wait'] || o === OS.checking) {
    if (o === OS.checking) sh.setOta(d, OS.idle);
    a.otaDue[d] = Infinity; // boot schedules the next check
    return;
  }
  if (
    o !== OS.downloading &&
    o !== OS.verifying &&
    o !== OS.installing &&
    o !== OS.rebooting &&
    o !== OS['health-check']
  )
    return;
  trail(sh, d, t, kind === 'flat' ? TE['battery-flat'] : TE['power-loss']);
  if (o === OS.downloading) interruptDownload(sh, d, t);
  if (tp.otaSingleSlot && (o === OS.installing || o === OS.rebooting)) return brick(sh, d, t);
  const counter =
    kind === 'flat' ? C['ota_failed_total{reason="battery"}'] : C['ota_failed_total{reason="power"}'];
  failAttempt(sh, d, t, tp, counter, Infinity);
}
