// A device type's OTA protocol as numbers for the fleet core: which requests a check, a report
// and a boot make, per endpoint (virtual mode models and counts them), and which states the
// protocol reports. From the protocol module's request pattern (src/ota-protocols/registry.ts).
import { protocolOf } from '../ota-protocols/registry.js';
import {
  ALL_REPORT_STATES,
  OTA_ENDPOINTS,
  OTA_PROTOCOLS,
  type OtaReportState,
  type OtaRequestCounts,
} from '../ota-protocols/types.js';
import type { DeviceType } from '../scenario/types.js';

export interface OtaPatternParams {
  /** `ota.protocol`, as an index into OTA_PROTOCOLS. */
  otaProtocol: number;
  /** Check period: the protocol's own poll period, else `ota.check-interval`. */
  otaCheckUs: number;
  /** The protocol's requests per check, report, boot and offer, by endpoint (OTA_ENDPOINTS order). */
  otaPerCheck: Float64Array;
  otaPerReport: Float64Array;
  otaPerBoot: Float64Array;
  otaPerOffer: Float64Array;
  /** Bit i set: the protocol reports ALL_REPORT_STATES[i]. */
  otaReportMask: number;
  /** The protocol's requests travel over the device's MQTT session (broker ingest, not the API). */
  otaOverMqtt: boolean;
}

/** Bit of a report state in otaReportMask. */
export const REPORT_BIT: Readonly<Record<OtaReportState, number>> = Object.fromEntries(
  ALL_REPORT_STATES.map((s, i) => [s, 1 << i]),
) as Record<OtaReportState, number>;

function perEndpoint(c: OtaRequestCounts): Float64Array {
  return Float64Array.from(OTA_ENDPOINTS, (e) => c[e] ?? 0);
}

export function compileOtaPattern(t: DeviceType): OtaPatternParams {
  const p = protocolOf(t.ota.protocol, `device type ${t.name}: ota.protocol`).pattern(t.ota);
  return {
    otaProtocol: OTA_PROTOCOLS.indexOf(t.ota.protocol),
    otaCheckUs: p.pollIntervalUs ?? t.ota.checkIntervalUs,
    otaPerCheck: perEndpoint(p.perCheck),
    otaPerReport: perEndpoint(p.perReport),
    otaPerBoot: perEndpoint(p.perBoot),
    otaPerOffer: perEndpoint(p.perOffer ?? {}),
    otaReportMask: p.reports.reduce((m, s) => m | REPORT_BIT[s], 0),
    otaOverMqtt: p.transport === 'mqtt',
  };
}
