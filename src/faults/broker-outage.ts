// An outage of some brokers (`backend-outage` with `params.brokers`), virtual mode: the named
// brokers of the modelled backend go down; only their devices (device d of a shard → broker
// d mod N, as src/backend-model/model.ts spreads them) lose their sessions, back off and are
// refused until it ends. The other brokers and the HTTP API keep serving (downloads go on).
import { PEND } from '../core/shard-layout.js';
import type { Shard } from '../core/shard.js';
import { brokerRelease, setBrokerDown } from '../backend-model/model.js';
import type { BrokerSet } from '../backend-model/share.js';
import { dropByOutage, trackSleepers } from '../device/connectivity.js';
import type { TypeParams } from '../device/params.js';
import { CS } from '../metrics/catalog.js';
import type { Occurrence } from './plan.js';

/** Is device d's broker one of `brokers`? */
export function onBrokers(set: BrokerSet, d: number, brokers: readonly number[]): boolean {
  return brokers.includes(d % set.count);
}

/** Marks the brokers down under the outages of some brokers in force at t (all up otherwise). */
export function brokersDownAt(sh: Shard, timed: readonly Occurrence[], t: number): void {
  const set = sh.st.share.brokers;
  if (set === null) return;
  for (let b = 0; b < set.count; b++) setBrokerDown(set, b, false);
  for (const o of timed) {
    if (o.startUs > t) break;
    const brokers = o.fault.params.brokers;
    if (o.fault.type !== 'backend-outage' || brokers === undefined || t >= o.endUs) continue;
    for (const b of brokers) if (b < set.count) setBrokerDown(set, b, true);
  }
}

/** The outage of some brokers begins at t: their devices' sessions drop. */
export function brokerOutageStart(sh: Shard, occ: Occurrence, t: number, brokers: readonly number[]): void {
  const set = sh.st.share.brokers;
  if (set === null) return; // refused when the scenario is read: one broker has no `brokers`
  const a = sh.a;
  let dropped = trackSleepers(sh, (d) => onBrokers(set, d, brokers));
  for (let d = 0; d < sh.st.size; d++) {
    if (!onBrokers(set, d, brokers)) continue;
    const c = a.conn[d] as number;
    const tp = sh.st.types[a.type[d] as number] as TypeParams;
    if (c === CS.connected) {
      dropByOutage(sh, d, t, tp);
      dropped++;
    } else if (c === CS.connecting && a.pend[d] === PEND.ok) {
      brokerRelease(sh, d); // the session its CONNACK was to open is gone with the broker
      a.pend[d] = PEND.outage;
    }
    sh.reschedule(d);
  }
  for (const b of brokers) setBrokerDown(set, b, true);
  if (sh.globalId(0) === 0) sh.rec.add(occ.fault.counter, 1); // once per outage, not per shard
  sh.faultHits[occ.fault.index] = (sh.faultHits[occ.fault.index] as number) + dropped;
}
