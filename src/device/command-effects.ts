// What a command does to the device that accepted it (a device type's `commands.actions`):
// reboot, a new telemetry interval, an update check now. Shared by both modes: virtual mode's
// command model (commands.ts) and live mode's device inbox call the same functions, so an effect
// changes device state the same way through the state machine's own functions.
import { FLAG, PEND } from '../core/shard-layout.js';
import type { Shard } from '../core/shard.js';
import { CS, OS } from '../metrics/catalog.js';
import { nextRange } from '../random/rng.js';
import type { CommandEffect } from '../scenario/types.js';
import type { TypeParams } from './params.js';
import { nextIntervalUs } from './telemetry.js';

/** Effects as small integers for the per-type tables of the fleet core. */
export const EFFECT = { none: 0, reboot: 1, telemetryInterval: 2, otaCheck: 3 } as const;
export type EffectCode = (typeof EFFECT)[keyof typeof EFFECT];

export function effectCode(e: CommandEffect | undefined): EffectCode {
  switch (e) {
    case 'reboot':
      return EFFECT.reboot;
    case 'telemetry-interval':
      return EFFECT.telemetryInterval;
    case 'ota-check':
      return EFFECT.otaCheck;
    case 'none':
    case undefined:
      return EFFECT.none;
  }
}

/** OTA states in which a reboot would break an update under way. */
function updating(o: number): boolean {
  return (
    o === OS.downloading ||
    o === OS.verifying ||
    o === OS.installing ||
    o === OS.rebooting ||
    o === OS['health-check']
  );
}

/**
 * Would the device refuse this command now? A reboot is refused while an update is under way
 * (the device answers with an error result, as a real agent guarding its install would).
 */
export function effectRefused(sh: Shard, d: number, effect: EffectCode): boolean {
  return effect === EFFECT.reboot && updating(sh.a.ota[d] as number);
}

/**
 * Applies an accepted command's effect at `t`, after the device has sent its reply.
 * `intervalUs`: the command's `args.interval` (telemetry-interval only). `command`: its name and
 * args, for the device program's `command` hook, which may decline the built-in effect.
 */
export function applyCommandEffect(
  sh: Shard,
  d: number,
  t: number,
  tp: TypeParams,
  effect: EffectCode,
  intervalUs: number | null,
  command?: { name: string; args: Record<string, unknown> },
): void {
  if (command && sh.programs !== null && !sh.programs.command(d, command.name, command.args)) return;
  switch (effect) {
    case EFFECT.reboot:
      return reboot(sh, d, t, tp);
    case EFFECT.telemetryInterval:
      return setTelemetryInterval(sh, d, t, tp, intervalUs);
    case EFFECT.otaCheck:
      return checkNow(sh, d, t);
    case EFFECT.none:
      return;
  }
}

/** Clean DISCONNECT (no will), off for the type's reboot time, then boots as after power-on. */
function reboot(sh: Shard, d: number, t: number, tp: TypeParams): void {
  const a = sh.a;
  const c = a.conn[d] as number;
  if (c === CS.dark || c === CS.bricked || c === CS.off || updating(a.ota[d] as number)) return;
  const holds = c === CS.connected || (c === CS.connecting && a.pend[d] === PEND.ok);
  if (holds) sh.port.release(sh, d, true);
  a.flags[d] = (a.flags[d] as number) & ~FLAG.halfOpen;
  if (a.ota[d] === OS.checking) sh.setOta(d, OS.idle);
  if (a.ota[d] === OS.idle || a.ota[d] === OS['retry-wait']) a.otaDue[d] = Infinity; // boot checks
  sh.setConn(d, CS.off);
  a.connDue[d] = t + nextRange(a.rng, d, tp.rebootMinUs, tp.rebootMaxUs);
}

/**
 * The first telemetry stream's interval becomes `intervalUs` (jitter and the other streams scale
 * alike); a connected device's next publish is drawn anew from now.
 */
function setTelemetryInterval(
  sh: Shard,
  d: number,
  t: number,
  tp: TypeParams,
  intervalUs: number | null,
): void {
  const a = sh.a;
  if (intervalUs === null || !(intervalUs > 0) || a.telemScale.length === 0) return;
  a.telemScale[d] = intervalUs / tp.intervalUs;
  if (a.conn[d] === CS.connected && !tp.dutyCycle && tp.streams.length === 1)
    a.connDue[d] = t + nextIntervalUs(sh, d, tp);
}

/** An update check now, unless the OTA agent is busy or has finished. */
function checkNow(sh: Shard, d: number, t: number): void {
  const a = sh.a;
  const o = a.ota[d] as number;
  if ((a.flags[d] as number) & FLAG.otaDone || (o !== OS.idle && o !== OS['retry-wait'])) return;
  a.otaDue[d] = t;
}
