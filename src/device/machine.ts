// The device state machine's entry point: a device's node fired at time t. Connectivity and the
// OTA agent each keep their own due time; the node sits at the earlier of the two.
import type { Shard } from '../core/shard.js';
import { CS, C } from '../metrics/catalog.js';
import { attemptConnect, goBackoff, loseLink, resolveConnect } from './connectivity.js';
import { FLAG } from '../core/shard-layout.js';
import { otaEvent, otaOnBoot } from './ota.js';
import type { TypeParams } from './params.js';
import { drainTo, recharge } from './power.js';
import { telemetryDue } from './telemetry.js';
import { commandEvent } from './commands.js';
import { flushEvent } from './telemetry-buffer.js';
import { awaitingRegistration, registrationAnswered, retired } from './provision.js';

export function wake(sh: Shard, d: number, t: number): void {
  const a = sh.a;
  const tp = sh.st.types[a.type[d] as number] as TypeParams;
  const programs = sh.programs;
  if (programs !== null) programs.nowUs = t; // the time the device's hooks see
  if (drainTo(sh, d, t, tp)) {
    if ((a.connDue[d] as number) <= t) {
      a.connDue[d] = Infinity;
      connEvent(sh, d, t, tp);
    }
    if ((a.otaDue[d] as number) <= t) {
      a.otaDue[d] = Infinity;
      otaEvent(sh, d, t, tp);
    }
  }
  if (sh.hasSchedules && (a.flushDue[d] as number) <= t) {
    a.flushDue[d] = Infinity;
    flushEvent(sh, d, t, tp);
  }
  // The operator's side of a command happens whatever the device's battery did.
  if (sh.hasCommands && (a.cmdDue[d] as number) <= t) {
    a.cmdDue[d] = Infinity;
    commandEvent(sh, d, t, tp);
  }
  // The device program's timers (and its deferred reboot or sleep) run after the built-ins.
  if (programs !== null && (sh.progDue[d] as number) <= t) programs.fire(d, t);
  sh.reschedule(d);
}

function connEvent(sh: Shard, d: number, t: number, tp: TypeParams): void {
  switch (sh.a.conn[d] as number) {
    case CS.off:
      return boot(sh, d, t, tp);
    case CS.dark:
      recharge(sh, d, t, tp);
      return boot(sh, d, t, tp);
    case CS.connecting:
      return awaitingRegistration(sh, d) ? registrationAnswered(sh, d, t, tp) : resolveConnect(sh, d, t, tp);
    case CS.connected:
      return (sh.a.flags[d] as number) & FLAG.halfOpen
        ? halfOpenDue(sh, d, t, tp)
        : telemetryDue(sh, d, t, tp);
    case CS.backoff:
    case CS.sleeping:
      return attemptConnect(sh, d, t, tp);
    default:
      return; // bricked
  }
}

/** A half-open link: publishes vanish until the missing PINGRESP gives it away. */
function halfOpenDue(sh: Shard, d: number, t: number, tp: TypeParams): void {
  const a = sh.a;
  const detectAt = a.reqAt[d] as number;
  if (t < detectAt) {
    telemetryDue(sh, d, t, tp);
    a.connDue[d] = Math.min(a.connDue[d] as number, detectAt);
    return;
  }
  a.flags[d] = (a.flags[d] as number) & ~FLAG.halfOpen;
  loseLink(sh, d, C['mqtt_disconnects_total{reason="keepalive"}']);
  a.attempt[d] = 0;
  goBackoff(sh, d, t, tp);
}

function boot(sh: Shard, d: number, t: number, tp: TypeParams): void {
  if (retired(sh, d)) return; // decommissioned: stays off
  // reqAt starts at -1: the first boot of the run.
  if ((sh.a.reqAt[d] as number) < 0) sh.rec.add(C.devices_powered_on_total);
  // A powered-off device took no readings (its buffer, in flash, is kept).
  if (sh.hasSchedules) sh.a.readAt[d] = 0;
  if (sh.programs !== null) sh.programs.boot(d); // fresh RAM, then the program's boot hook
  attemptConnect(sh, d, t, tp);
  otaOnBoot(sh, d, t, tp);
}
