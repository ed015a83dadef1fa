// The pool's one periodic pass over all connections: connect timeouts, keepalive pings, silent
// links and ack deadlines. One interval for the whole pool, never a timer per connection.
import { PINGREQ } from './codec.js';
import { PHASE } from './connection-table.js';
import { SOCKET_END, type PoolCore } from './core.js';

export interface HousekeepingLimits {
  connectTimeoutUs: number;
  /** 0 disables ack deadlines. */
  ackTimeoutUs: number;
  tickUs: number;
}

export function housekeep(core: PoolCore, limits: HousekeepingLimits): void {
  const t = core.table;
  const now = core.clock();
  for (let slot = 0; slot < t.highWater; slot++) {
    const phase = t.phase[slot];
    if (phase === PHASE.free) continue;
    if (phase === PHASE.connecting) {
      if (now - (t.connectStartUs[slot] as number) > limits.connectTimeoutUs) {
        core.closeSlot(slot, 'timeout', 0, SOCKET_END.destroy);
      }
      continue;
    }
    const keepaliveUs = t.keepaliveUs[slot] as number;
    if (keepaliveUs > 0) {
      // The broker drops a client silent for 1.5 × keepalive [MQTT-3.1.2-24]; we treat a broker
      // silent that long (no PINGRESP, no acks) as a dead link the same way.
      if (now - (t.lastRecvUs[slot] as number) > 1.5 * keepaliveUs) {
        core.closeSlot(slot, 'keepalive', 0, SOCKET_END.destroy);
        continue;
      }
      // [MQTT-3.1.2-23]: send something within each keepalive period; a tick early is fine.
      if (now - (t.lastSendUs[slot] as number) + limits.tickUs >= keepaliveUs) core.send(slot, PINGREQ);
    }
    if (limits.ackTimeoutUs > 0 && (core.inflight.count[slot] as number) > 0) {
      core.expireInflight(slot, now - limits.ackTimeoutUs);
    }
  }
}
