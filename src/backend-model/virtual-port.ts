// The device port for virtual mode: every request is answered by the modelled backend at once,
// as a time in the future, so a request/response costs one event.
import { cohortPublishFailed } from '../cohorts/track.js';
import { PEND } from '../core/shard-layout.js';
import type { Shard } from '../core/shard.js';
import type { StreamParams, TypeParams } from '../device/params.js';
import type { BackendPort } from '../device/port.js';
import { bandwidth, oneWayUs } from '../device/radio.js';
import { outageStart } from '../faults/apply-timed.js';
import { brokerOutageStart } from '../faults/broker-outage.js';
import { C, CS, H } from '../metrics/catalog.js';
import { offerAvailable } from '../device/ota.js';
import { publishProgramMessage } from './program-publish.js';
import { sessionEnded, takeoverUs } from './session-takeover.js';
import { ackOrHold, resendHeld } from './in-flight.js';
import { siteDownloadStart, siteDownloadStop } from '../topology/site-link.js';
import type { OtaReportState } from '../ota-protocols/types.js';
import { CHECK, DOWNLOAD, countRequest, modelReport, modelRequests } from './ota-requests.js';
import { modelProvision } from './registration.js';
import {
  CONNECT,
  apiCheckin,
  brokerConnect,
  brokerIngest,
  brokerRelease,
  dropBrokerSessions,
  otaAdmit,
  otaRelease,
} from './model.js';

const PEND_OF = [PEND.ok, PEND.rejected, PEND.maxSessions, PEND.outage];

export const virtualPort: BackendPort = {
  connect(sh: Shard, d: number, t: number, tp: TypeParams): void {
    const a = sh.a;
    const up = oneWayUs(sh, d, tp);
    const ans = brokerConnect(sh, d, t + up);
    const takeover = ans.status === CONNECT.ok ? takeoverUs(sh, d) : 0;
    const respAt = ans.atUs + takeover + oneWayUs(sh, d, tp);
    if (ans.status === CONNECT.ok && respAt - t > tp.connectTimeoutUs) {
      brokerRelease(sh, d); // the client gave up before the CONNACK: the session is dropped
      sessionEnded(sh, d, tp, false); // ... and a kept one left behind
      a.pend[d] = PEND.timeout;
      a.connDue[d] = t + tp.connectTimeoutUs;
      return;
    }
    a.pend[d] = PEND_OF[ans.status] ?? PEND.rejected;
    a.connDue[d] = respAt;
  },

  release(sh: Shard, d: number, clean: boolean): void {
    // The modelled broker never loses a will: one per session ended without DISCONNECT.
    if (
      !clean &&
      sh.a.conn[d] === CS.connected &&
      (sh.st.types[sh.a.type[d] as number] as TypeParams).hasWill
    )
      sh.rec.add(C.mqtt_wills_received_total);
    brokerRelease(sh, d);
    sessionEnded(sh, d, sh.st.types[sh.a.type[d] as number] as TypeParams, clean);
  },

  publish(sh: Shard, d: number, t: number, tp: TypeParams, stream: number): void {
    const up = oneWayUs(sh, d, tp);
    const ans = brokerIngest(sh, d, t + up);
    if (ans.status !== 0) {
      sh.rec.add(C['mqtt_publish_failed_total{reason="rejected"}']);
      if (sh.hasCohorts) cohortPublishFailed(sh.a, d);
      return;
    }
    const qos = stream === 0 ? tp.qos : (tp.streams[stream] as StreamParams).qos;
    if (qos > 0 && sh.st.share.inFlight) return ackOrHold(sh, d, tp, t, t, ans.atUs + oneWayUs(sh, d, tp));
    sh.rec.add(C.mqtt_publish_acked_total);
    if (qos > 0) sh.rec.record(H.mqtt_publish_ack_duration_us, ans.atUs + oneWayUs(sh, d, tp) - t);
  },

  resumed(sh: Shard, d: number, t: number, tp: TypeParams): void {
    // The modelled broker keeps a persistent session for good (no expiry): every connect after
    // the first finds it, as live mode's CONNACK says with session present.
    if (!tp.cleanSession) {
      if (sh.a.kept[d] === 1) sh.rec.add(C.mqtt_session_present_total);
      else sh.a.kept[d] = 1;
    }
    resendHeld(sh, d, t, tp);
  },

  checkin(sh: Shard, d: number, t: number, tp: TypeParams): boolean {
    const up = oneWayUs(sh, d, tp);
    // The protocol's check request itself: on the API, or on the broker for a protocol over MQTT.
    const ans = tp.otaOverMqtt ? brokerIngest(sh, d, t + up) : apiCheckin(sh, d, t + up);
    modelRequests(sh, t, tp, tp.otaPerCheck, CHECK);
    if (ans.status !== 0) {
      if ((tp.otaPerCheck[CHECK] as number) > 0) countRequest(sh, CHECK, t, -1);
      return false;
    }
    const answerAt = ans.atUs + oneWayUs(sh, d, tp);
    if ((tp.otaPerCheck[CHECK] as number) > 0) countRequest(sh, CHECK, t, answerAt);
    if (offerAvailable(sh, d)) modelRequests(sh, t, tp, tp.otaPerOffer);
    sh.a.otaDue[d] = answerAt;
    return true;
  },

  otaReport(sh: Shard, _d: number, t: number, tp: TypeParams, state: OtaReportState): void {
    modelReport(sh, t, tp, state);
  },

  provision: modelProvision,

  otaBoot(sh: Shard, _d: number, t: number, tp: TypeParams): void {
    modelRequests(sh, t, tp, tp.otaPerBoot);
  },

  publishMessage: publishProgramMessage,

  downloadStart(sh: Shard, d: number, t: number, tp: TypeParams): number {
    const plan = sh.st.rollout;
    const cap = plan ? otaAdmit(sh, bandwidth(sh, d, tp)) / 1e6 : 0;
    countRequest(sh, DOWNLOAD, t, cap === 0 || !plan ? -1 : t);
    if (cap === 0 || !plan) return -1;
    const rate = siteDownloadStart(sh, d, t, cap); // downloads at a site share its link
    const a = sh.a;
    const from = a.dlBytes[d] as number;
    a.dlSegAt[d] = t + oneWayUs(sh, d, tp) * 2;
    a.dlRate[d] = rate;
    return (a.dlSegAt[d] as number) + (plan.sizeBytes - from) / rate;
  },

  downloadStop(sh: Shard, d: number, t: number): number {
    const plan = sh.st.rollout;
    const a = sh.a;
    const got =
      (a.dlBytes[d] as number) + Math.max(0, t - (a.dlSegAt[d] as number)) * (a.dlRate[d] as number);
    otaRelease(sh);
    siteDownloadStop(sh, d, t);
    return Math.min(plan ? plan.sizeBytes : got, Math.floor(got));
  },

  backendFault(sh, occ, t, phase): void {
    const brokers = occ.fault.params.brokers;
    if (occ.fault.type === 'backend-outage' && phase === 'start' && brokers !== undefined) {
      brokerOutageStart(sh, occ, t, brokers);
    } else if (occ.fault.type === 'backend-outage' && phase === 'start') {
      outageStart(sh, occ, t);
      dropBrokerSessions(sh.st.share.brokers);
    }
    // Slow and reject act through the conditions in force; counted once per occurrence, as an outage.
    else if (phase === 'start' && sh.globalId(0) === 0) sh.rec.add(occ.fault.counter, 1);
  },
};
