// A device program's publish in virtual mode: the modelled broker ingests it like telemetry
// (refused when the ingest queue is full or the broker is down), and a QoS 1 publish records
// its ack time. Whoever subscribed in the shard gets it through the program host.
import type { Shard } from '../core/shard.js';
import type { TypeParams } from '../device/params.js';
import { oneWayUs } from '../device/radio.js';
import { C, H } from '../metrics/catalog.js';
import { brokerIngest } from './model.js';

export function publishProgramMessage(
  sh: Shard,
  d: number,
  t: number,
  tp: TypeParams,
  _topic: string,
  _payload: Uint8Array,
  qos: 0 | 1,
): void {
  const ans = brokerIngest(sh, d, t + oneWayUs(sh, d, tp));
  if (ans.status !== 0) {
    sh.rec.add(C['mqtt_publish_failed_total{reason="rejected"}']);
    return;
  }
  sh.rec.add(C.mqtt_publish_acked_total);
  if (qos > 0) sh.rec.record(H.mqtt_publish_ack_duration_us, ans.atUs + oneWayUs(sh, d, tp) - t);
}
