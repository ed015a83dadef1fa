// The cost of a session takeover (`backend.mqtt.session-takeover`): a device with a kept session
// (`clean-session: false`) whose last session ended without DISCONNECT (an outage, a radio drop,
// a connect it gave up on) reconnects to a broker that must first end the old connection and
// move the session to the new one. That connect's answer comes this much later (drawn from the
// device's stream, like any service time); it takes no more of the broker's accept rate.
import type { Shard } from '../core/shard.js';
import type { TypeParams } from '../device/params.js';
import type { BackendModelConfig } from '../scenario/types.js';
import { drawServiceUs } from './service-time.js';
import { serviceTime, type QueueShare } from './share.js';

export interface TakeoverShare {
  /** The extra service time (only the latency fields are used). */
  time: QueueShare;
  /** By device: 1 while the broker holds a kept session its device left by a reset. */
  left: Uint8Array;
}

/** The shard's takeover model, or null when the scenario sets none (nothing is drawn). */
export function takeoverShare(cfg: BackendModelConfig): TakeoverShare | null {
  const t = cfg.mqtt?.sessionTakeover;
  if (t === undefined) return null;
  const time: QueueShare = {
    periodUs: 0,
    brokerPeriodUs: 0,
    tauUs: 0,
    maxWaitUs: Infinity,
    latMinUs: t.latencyUs.min,
    latMaxUs: t.latencyUs.max,
    ...serviceTime(t.latencyUs, t.latencyDistUs),
  };
  return { time, left: new Uint8Array(0) };
}

function leftOf(sh: Shard, tk: TakeoverShare): Uint8Array {
  if (tk.left.length < sh.st.size) tk.left = new Uint8Array(sh.st.size);
  return tk.left;
}

/** Device d's session ends: a kept one ended without DISCONNECT stays behind at the broker. */
export function sessionEnded(sh: Shard, d: number, tp: TypeParams, clean: boolean): void {
  const tk = sh.st.share.takeover;
  if (tk === null || tk === undefined) return;
  leftOf(sh, tk)[d] = !clean && !tp.cleanSession ? 1 : 0;
}

/** Extra time (µs) of device d's accepted connect: the takeover of the session it left, or 0. */
export function takeoverUs(sh: Shard, d: number): number {
  const tk = sh.st.share.takeover;
  if (tk === null || tk === undefined) return 0;
  const left = leftOf(sh, tk);
  if (left[d] !== 1) return 0;
  left[d] = 0;
  return drawServiceUs(sh.a.rng, d, tk.time) * sh.slowFactor;
}
