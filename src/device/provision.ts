// Provisioning and lifecycle. A device type with `provisioning` registers with the backend before
// its first connect: one registration request at a time, answered with an identity, refused
// (queue full, outage) or lost (no answer within the timeout); a refusal or a loss is retried
// after the device's reconnect backoff, and a device that never registers never connects. The
// registration is kept in flash: a reboot, a power cut or a recharge does not register again.
// A decommissioned device closes its session and stays off; a re-provisioned one forgets its
// registration and registers again, under the same device id (its hardware identity: the backend
// issues it a fresh registration, not a fresh name).
import { FLAG, PEND } from '../core/shard-layout.js';
import type { Shard } from '../core/shard.js';
import { C, CS, H, OS } from '../metrics/catalog.js';
import { attemptConnect, goBackoff, holdsSession } from './connectivity.js';
import { interruptDownload } from './ota.js';
import { failAttempt } from './ota-install.js';
import type { TypeParams } from './params.js';
import { lost } from './radio.js';

/** Values of the per-device `life` byte. */
export const LIFE = {
  /** Never registered (or re-provisioned): the next connect registers first. */
  new: 0,
  /** A registration request in flight, and what its answer will be. */
  askOk: 1,
  askRefused: 2,
  askFailed: 3,
  registered: 4,
  /** Not registered yet, after failed requests: the first request's time is kept in reqAt. */
  retry: 5,
  /** Decommissioned: off for good, until re-provisioned. */
  retired: 6,
} as const;

/** A registration answer is due (the device sits in `connecting` while it waits for one). */
export function awaitingRegistration(sh: Shard, d: number): boolean {
  const s = sh.a.life[d] as number;
  return s === LIFE.askOk || s === LIFE.askRefused || s === LIFE.askFailed;
}

/** A decommissioned device: nothing boots it. */
export function retired(sh: Shard, d: number): boolean {
  return sh.a.life[d] === LIFE.retired;
}

/**
 * Before a connect at t: true when the device may connect now (registered, or a type that does not
 * register); otherwise a registration request goes out instead.
 */
export function provisionGate(sh: Shard, d: number, t: number, tp: TypeParams): boolean {
  const a = sh.a;
  const s = a.life[d] as number;
  if (tp.provisionTimeoutUs <= 0 || s === LIFE.registered || !sh.port.provision) return true;
  if (s === LIFE.retired) {
    sh.setConn(d, CS.off);
    a.connDue[d] = Infinity;
    return false;
  }
  // A request in flight whose answer never arrived (a radio drop, a power cut): lost.
  if (s !== LIFE.new && s !== LIFE.retry) sh.rec.add(C.provision_failed_total);
  if (s === LIFE.new) a.reqAt[d] = t; // the registration's duration counts from its first request
  sh.setConn(d, CS.connecting);
  a.pend[d] = PEND.lost; // no broker session is pending
  sh.rec.add(C.provision_attempts_total);
  if (lost(sh, d, tp)) {
    a.life[d] = LIFE.askFailed;
    a.connDue[d] = t + tp.provisionTimeoutUs;
    return false;
  }
  sh.port.provision(sh, d, t, tp);
  return false;
}

/** The registration answer (or its timeout) at t: connect at once, or back off and ask again. */
export function registrationAnswered(sh: Shard, d: number, t: number, tp: TypeParams): void {
  const a = sh.a;
  const s = a.life[d] as number;
  if (s === LIFE.askOk) {
    a.life[d] = LIFE.registered;
    sh.rec.add(C.provision_succeeded_total);
    sh.rec.record(H.provision_duration_us, t - (a.reqAt[d] as number));
    a.attempt[d] = 0;
    a.backoffPrevUs[d] = 0;
    attemptConnect(sh, d, t, tp);
    return;
  }
  sh.rec.add(s === LIFE.askRefused ? C.provision_refused_total : C.provision_failed_total);
  a.life[d] = LIFE.retry;
  goBackoff(sh, d, t, tp);
}

/** Closes the device's session cleanly and stops its download, as a factory reset or retirement does. */
function stopWork(sh: Shard, d: number, t: number, tp: TypeParams): void {
  const a = sh.a;
  if (holdsSession(sh, d)) sh.port.release(sh, d, true);
  a.flags[d] = (a.flags[d] as number) & ~(FLAG.outageTracked | FLAG.halfOpen);
  a.connDue[d] = Infinity;
  if (a.ota[d] === OS.downloading) {
    interruptDownload(sh, d, t);
    failAttempt(sh, d, t, tp, C['ota_failed_total{reason="download"}'], Infinity);
  }
}

/** `decommission` hits device d at t: its session closes and it stays off. Returns whether it was in service. */
export function decommission(sh: Shard, d: number, t: number, tp: TypeParams): boolean {
  const a = sh.a;
  if (a.life[d] === LIFE.retired) return false;
  stopWork(sh, d, t, tp);
  a.life[d] = LIFE.retired;
  sh.setConn(d, CS.off);
  const o = a.ota[d] as number;
  if (o !== OS.committed && o !== OS.failed && o !== OS['rolled-back'] && o !== OS.bricked)
    sh.setOta(d, OS.idle);
  a.otaDue[d] = Infinity;
  if (sh.hasSchedules) a.flushDue[d] = Infinity;
  return true;
}

/**
 * `reprovision` hits device d at t: it forgets its registration and registers again (a
 * decommissioned device powers on for it). A device not yet powered on keeps its power-on time.
 */
export function reprovision(sh: Shard, d: number, t: number, tp: TypeParams): boolean {
  const a = sh.a;
  const c = a.conn[d] as number;
  const wasRetired = a.life[d] === LIFE.retired;
  a.life[d] = LIFE.new;
  a.attempt[d] = 0;
  a.backoffPrevUs[d] = 0;
  if (wasRetired) {
    a.connDue[d] = t; // boots now
    return true;
  }
  if (c === CS.off) return true;
  stopWork(sh, d, t, tp);
  sh.setConn(d, CS.backoff);
  a.connDue[d] = t;
  return true;
}
