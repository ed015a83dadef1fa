// OTA agent, part 1: check-in, offer and download (resumable). Every state is explicit in the
// per-device `ota` byte and counted in the devices-by-state series. Part 2 (ota-install.ts):
// verify, install to the inactive slot, reboot, health check, commit or rollback.
import { FLAG, OTA_PEND } from '../core/shard-layout.js';
import type { Shard } from '../core/shard.js';
import { DURING } from '../faults/plan.js';
import { hitDuring } from '../faults/select.js';
import { C, CS, H, OS } from '../metrics/catalog.js';
import { nextFloat, nextRange } from '../random/rng.js';
import { failAttempt, otaInstallEvent, startVerify } from './ota-install.js';
import type { TypeParams } from './params.js';
import { oneWayUs } from './radio.js';
import { HALT, WAVE_STAT, waveOf } from './rollout-plan.js';
import { TE, clearTrail, trail } from './trail.js';
import { loseLink } from './connectivity.js';
import { cutPower, goFlat } from './power.js';
import { countHit } from '../faults/count.js';
import { corruptByTimed } from '../faults/apply-timed.js';

export { otaPowerCut } from './ota-install.js';

function linkUp(sh: Shard, d: number): boolean {
  const c = sh.a.conn[d] as number;
  return c === CS.connected || c === CS.sleeping;
}

/** Would the campaign offer the update to device d now? */
export function offerAvailable(sh: Shard, d: number): boolean {
  const plan = sh.st.rollout;
  const st = sh.rolloutState;
  const a = sh.a;
  const flags = a.flags[d] as number;
  if (!plan || !st || !(flags & FLAG.targeted) || flags & FLAG.otaDone) return false;
  if (st.halt === HALT.aborted || (st.halt === HALT.paused && !(flags & FLAG.offered))) return false;
  return waveOf(plan, sh.st.seed, sh.globalId(d)) < st.wavesStarted;
}

function waveStat(sh: Shard, d: number, stat: number): void {
  const plan = sh.st.rollout;
  if (!plan) return;
  const i = waveOf(plan, sh.st.seed, sh.globalId(d)) * WAVE_STAT.width + stat;
  if (i < sh.waveStats.length) sh.waveStats[i] = (sh.waveStats[i] as number) + 1;
}
export { waveStat };

/** Next periodic check-in of an idle polling device (only when a rollout exists). */
export function scheduleCheck(sh: Shard, d: number, t: number, tp: TypeParams, soon: boolean): void {
  const a = sh.a;
  if (!sh.st.rollout || (a.flags[d] as number) & FLAG.otaDone || !((a.flags[d] as number) & FLAG.targeted)) {
    a.otaDue[d] = Infinity;
    return;
  }
  if (tp.otaPush && !soon) a.otaDue[d] = Infinity;
  else a.otaDue[d] = t + (soon ? nextRange(a.rng, d, 0, 5e6) : tp.otaCheckUs);
}

/** Boot (power-on, power back, recharge, reboot done): check for updates soon. */
export function otaOnBoot(sh: Shard, d: number, t: number, tp: TypeParams): void {
  sh.port.otaBoot?.(sh, d, t, tp); // the protocol's boot traffic (inventory, configData)
  const o = sh.a.ota[d] as number;
  if ((sh.a.flags[d] as number) & FLAG.otaDone || o === OS.rebooting || o === OS['health-check']) return;
  if (o !== OS.idle && o !== OS['retry-wait']) sh.setOta(d, OS.idle);
  scheduleCheck(sh, d, t, tp, true);
}

/** Push notification at wave start (connected devices of a push-discovery type). */
export function notifyOffer(sh: Shard, d: number, t: number, tp: TypeParams): void {
  if (sh.a.ota[d] === OS.idle && sh.a.conn[d] === CS.connected) sh.a.otaDue[d] = t + oneWayUs(sh, d, tp);
}

export function otaEvent(sh: Shard, d: number, t: number, tp: TypeParams): void {
  switch (sh.a.ota[d] as number) {
    case OS.idle:
    case OS['retry-wait']:
      return checkIn(sh, d, t, tp);
    case OS.checking:
      return checkAnswered(sh, d, t, tp);
    case OS.downloading:
      return downloadEvent(sh, d, t, tp);
    default:
      return otaInstallEvent(sh, d, t, tp);
  }
}

function checkIn(sh: Shard, d: number, t: number, tp: TypeParams): void {
  if (!linkUp(sh, d)) return scheduleCheck(sh, d, t, tp, false);
  sh.rec.add(C.http_checkin_total);
  sh.a.reqAt[d] = t;
  if (!sh.port.checkin(sh, d, t, tp)) {
    sh.rec.add(C.http_checkin_failed_total);
    return scheduleCheck(sh, d, t, tp, false);
  }
  sh.setOta(d, OS.checking);
}

function checkAnswered(sh: Shard, d: number, t: number, tp: TypeParams): void {
  const a = sh.a;
  sh.rec.record(H.http_checkin_duration_us, t - (a.reqAt[d] as number));
  // Live mode follows the update server's answer; virtual mode, the modelled campaign.
  const offered = sh.port.serverOffer ? sh.port.serverOffer(sh, d) : offerAvailable(sh, d);
  // A device program may decline the offer (asked again at the next check).
  if (!offered || (sh.programs !== null && !sh.programs.otaOffered(d))) {
    sh.setOta(d, OS.idle);
    return scheduleCheck(sh, d, t, tp, false);
  }
  if (!((a.flags[d] as number) & FLAG.offered)) {
    a.flags[d] = (a.flags[d] as number) | FLAG.offered;
    a.otaOfferAt[d] = t;
    a.otaAttempt[d] = 0;
    clearTrail(sh, d);
    trail(sh, d, t, TE.offered);
    sh.rec.add(C.ota_offered_total);
    waveStat(sh, d, WAVE_STAT.offered);
  }
  startDownload(sh, d, t, tp);
}

function startDownload(sh: Shard, d: number, t: number, tp: TypeParams): void {
  const a = sh.a;
  const have = a.dlBytes[d] as number;
  const size = sh.st.rollout?.sizeBytes ?? Infinity;
  if (have >= size) {
    // A verified image kept after the battery gate refused its install: check the gate again.
    sh.setOta(d, OS.verifying);
    a.otaPend[d] = OTA_PEND.none;
    a.otaDue[d] = t;
    return;
  }
  const resume = have > 0 && tp.otaResume;
  if (!resume) a.dlBytes[d] = 0;
  const endAt = sh.port.downloadStart(sh, d, t, tp);
  if (endAt < 0) {
    a.dlBytes[d] = have;
    trail(sh, d, t, TE['server-busy']);
    sh.setOta(d, OS['retry-wait']);
    a.otaDue[d] = t + nextRange(a.rng, d, 0.5, 1.5) * tp.otaBackoff.baseUs;
    return;
  }
  sh.setOta(d, OS.downloading);
  sh.rec.add(C.ota_download_started_total);
  if (resume) {
    sh.rec.add(C.ota_resumed_downloads_total);
    trail(sh, d, t, TE['download-resumed']);
  } else {
    if (have > 0) {
      sh.rec.add(C.ota_redownloaded_bytes_total, have);
      trail(sh, d, t, TE['download-restarted']);
    } else trail(sh, d, t, TE['download-start']);
    a.dlStartAt[d] = t;
    sh.port.otaReport?.(sh, d, t, tp, 'downloading');
  }
  drawDownloadFaults(sh, d, t, endAt);
}

function drawDownloadFaults(sh: Shard, d: number, t: number, endAt: number): void {
  const a = sh.a;
  const f = hitDuring(sh, d, sh.st.faults.during[DURING['ota.downloading']] ?? []);
  a.otaPend[d] = OTA_PEND.done;
  a.otaDue[d] = endAt;
  if (sh.corruptOcc !== null && corruptByTimed(sh, d)) {
    a.flags[d] = (a.flags[d] as number) | FLAG.corrupt;
    countHit(sh, sh.corruptOcc.fault);
  }
  if (f === null) return;
  countHit(sh, f);
  if (f.type === 'corrupt-image') {
    a.flags[d] = (a.flags[d] as number) | FLAG.corrupt;
  } else if (f.type === 'radio-drop' || f.type === 'power-loss' || f.type === 'battery-flat') {
    a.otaPend[d] =
      f.type === 'radio-drop' ? OTA_PEND.drop : f.type === 'power-loss' ? OTA_PEND.powerLoss : OTA_PEND.flat;
    a.otaDue[d] = t + nextFloat(a.rng, d) * (endAt - t);
    a.otaAux[d] = nextRange(a.rng, d, f.durMinUs, f.durMaxUs);
  }
}

/** The download stops at t (drop, outage, power): keep what arrived, free the server slot. */
export function interruptDownload(sh: Shard, d: number, t: number, complete = false): void {
  const stopped = sh.port.downloadStop(sh, d, t);
  // A completed transfer holds the whole image, whatever float rounding says; a live transfer
  // still running at its deadline (a stalled server) holds only what arrived.
  const size = sh.st.rollout?.sizeBytes ?? 0;
  const reached = complete && size - stopped <= Math.max(64, size * 1e-6) ? size : stopped;
  sh.rec.add(C.ota_downloaded_bytes_total, reached - (sh.a.dlBytes[d] as number));
  sh.a.dlBytes[d] = reached;
}

function downloadEvent(sh: Shard, d: number, t: number, tp: TypeParams): void {
  const a = sh.a;
  const pend = a.otaPend[d] as number;
  a.otaPend[d] = OTA_PEND.none;
  if (pend === OTA_PEND.done) {
    interruptDownload(sh, d, t, true);
    if ((a.dlBytes[d] as number) < (sh.st.rollout?.sizeBytes ?? 0))
      return failAttempt(sh, d, t, tp, C['ota_failed_total{reason="download"}'], t);
    trail(sh, d, t, TE['download-done']);
    sh.rec.record(H.ota_download_duration_us, t - (a.dlStartAt[d] as number));
    sh.port.otaReport?.(sh, d, t, tp, 'downloaded');
    return startVerify(sh, d, t, tp);
  }
  if (pend === OTA_PEND.drop) return radioDrop(sh, d, t, a.otaAux[d] as number, tp);
  if (pend === OTA_PEND.powerLoss) return cutPower(sh, d, t, t + (a.otaAux[d] as number), tp);
  if (pend === OTA_PEND.flat) return goFlat(sh, d, t, tp);
}

/** The radio goes down at t for `lengthUs`: link lost, any download interrupted. */
export function radioDrop(sh: Shard, d: number, t: number, lengthUs: number, tp: TypeParams): void {
  const a = sh.a;
  const c = a.conn[d] as number;
  if (c === CS.dark || c === CS.off || c === CS.bricked) return;
  trail(sh, d, t, TE['radio-drop']);
  loseLink(sh, d, C['mqtt_disconnects_total{reason="radio"}']);
  sh.setConn(d, CS.backoff);
  a.connDue[d] = t + lengthUs;
  if (a.ota[d] === OS.downloading) {
    interruptDownload(sh, d, t);
    failAttempt(sh, d, t, tp, C['ota_failed_total{reason="download"}'], t + lengthUs);
  }
}
