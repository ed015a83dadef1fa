// Virtual mode: the registration (provisioning) API as one shard sees its share of it: a
// rate-limited queue with a bound, like the check-in API. Refused while the backend is down or
// refusing; an answer later than the device's timeout is a lost request (the device gave up).
import { fluidAdmit } from './fluid-queue.js';
import { META } from '../core/shard-layout.js';
import type { Shard } from '../core/shard.js';
import type { TypeParams } from '../device/params.js';
import { LIFE } from '../device/provision.js';
import { oneWayUs } from '../device/radio.js';
import { nextRange } from '../random/rng.js';

/** When the registration API answers a request arriving at `t`, or -1 when it refuses it. */
export function apiRegister(sh: Shard, d: number, t: number): number {
  if (sh.outage || sh.reject) return -1;
  const q = sh.st.share.registration;
  const slow = sh.slowFactor;
  const at = fluidAdmit(
    sh.meta,
    META.registrationQueue,
    t,
    q.periodUs * slow,
    q.tauUs * slow,
    q.maxWaitUs * slow,
  );
  return at < 0 ? -1 : at + nextRange(sh.a.rng, d, q.latMinUs, q.latMaxUs) * slow;
}

/** The port's `provision` for virtual mode: the answer and when the device has it. */
export function modelProvision(sh: Shard, d: number, t: number, tp: TypeParams): void {
  const a = sh.a;
  const up = oneWayUs(sh, d, tp);
  const at = apiRegister(sh, d, t + up);
  const back = (at < 0 ? t + up : at) + oneWayUs(sh, d, tp);
  if (back - t > tp.provisionTimeoutUs) {
    a.life[d] = LIFE.askFailed;
    a.connDue[d] = t + tp.provisionTimeoutUs;
    return;
  }
  a.life[d] = at < 0 ? LIFE.askRefused : LIFE.askOk;
  a.connDue[d] = back;
}
