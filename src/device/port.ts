// The device state machine's port to the world. Virtual mode plugs in the modelled backend
// (answers computed at once, as times); live mode plugs in real sockets (answers arrive later and
// the live driver wakes the device). The state machine is the same in both.
import type { Shard } from '../core/shard.js';
import type { Occurrence } from '../faults/plan.js';
import type { OtaReportState } from '../ota-protocols/types.js';
import type { TypeParams } from './params.js';

export interface BackendPort {
  /**
   * Begins a connect at t. Sets a.pend[d] and a.connDue[d]: the outcome and when it is known
   * (virtual), or a deadline that the live driver brings forward when the CONNACK comes.
   */
  connect(sh: Shard, d: number, t: number, tp: TypeParams): void;
  /** The device's session ends: `clean` DISCONNECT (duty cycle, reboot) or the link died. */
  release(sh: Shard, d: number, clean: boolean): void;
  /**
   * Virtual: the device's session came back at t (its CONNACK applied); QoS 1 publishes held
   * since a drop are sent again (src/backend-model/in-flight.ts). Live: the MQTT pool does that.
   */
  resumed?(sh: Shard, d: number, t: number, tp: TypeParams): void;
  /** A publish of telemetry stream `stream` at t. The port records the outcome (now, or when the ack comes). */
  publish(sh: Shard, d: number, t: number, tp: TypeParams, stream: number): void;
  /**
   * A device program's publish of `payload` on `topic` at t (src/program): counted like telemetry
   * (acked, failed). Virtual: the modelled broker's ingest; live: the device's own session.
   */
  publishMessage?(
    sh: Shard,
    d: number,
    t: number,
    tp: TypeParams,
    topic: string,
    payload: Uint8Array,
    qos: 0 | 1,
    retain: boolean,
  ): void;
  /**
   * Live: subscribes the device's session to a program's topic filter now (absent in virtual
   * mode, where programs' subscriptions are matched inside the shard).
   */
  subscribe?(sh: Shard, d: number, filter: string): void;
  /**
   * A check-in request at t. Returns false if refused at once; otherwise sets a.otaDue[d] to
   * when the answer is known (virtual) or a deadline (live).
   */
  checkin(sh: Shard, d: number, t: number, tp: TypeParams): boolean;
  /**
   * Starts (or resumes from a.dlBytes[d]) the firmware download at t. Returns the time the
   * transfer would complete, or -1 when the server has no free slot.
   */
  downloadStart(sh: Shard, d: number, t: number, tp: TypeParams): number;
  /** The transfer stops at t (done, drop, outage, power): returns the bytes the device holds. */
  downloadStop(sh: Shard, d: number, t: number): number;
  /** A backend-wide fault (outage, slow, reject) begins or ends at t. */
  backendFault(sh: Shard, occ: Occurrence, t: number, phase: 'start' | 'end'): void;
  /**
   * The device's OTA agent reports a state of its deployment at t (the protocol decides which
   * states it sends; `detail` of a failure: `failed` or `rolled-back`). Live: sent through the
   * protocol's client; an `aborted` answer stops the
   * device's deployment. Virtual: the protocol's requests on the modelled API.
   */
  otaReport?(sh: Shard, d: number, t: number, tp: TypeParams, state: OtaReportState, detail?: string): void;
  /** Power is cut (power loss, flat battery): the protocol client forgets what it kept in RAM. */
  otaPowerLost?(sh: Shard, d: number): void;
  /** The device booted at t: the protocol's boot-time traffic (inventory, configData, shadow). */
  otaBoot?(sh: Shard, d: number, t: number, tp: TypeParams): void;
  /**
   * Live, server-driven: whether the server's answer to device d's last check offered an update
   * (the device follows it). Absent: the campaign model decides (virtual mode).
   */
  serverOffer?(sh: Shard, d: number): boolean;
  /**
   * Live, server-driven: false while the server does not allow installing the verified image yet
   * (hawkBit `update: skip`, a closed maintenance window): the device keeps it and asks again at
   * its next poll. Absent: always allowed.
   */
  installAllowed?(sh: Shard, d: number): boolean;
  /**
   * A registration request at t (`provisioning`, src/device/provision.ts). Sets a.life[d] to the
   * pending answer and a.connDue[d] to when it is known (virtual), or a deadline the live driver
   * brings forward when the answer comes. Absent: devices count as registered.
   */
  provision?(sh: Shard, d: number, t: number, tp: TypeParams): void;
}
