// The connect failures of a live run with their detail (CONNACK code, socket or TLS error code),
// counted for report.json `live.connectErrors`: the counters say how many failed for a reason,
// this says which certificate error or which reason code it was.
import { PEND_FAILURE_COUNTER } from '../device/connectivity.js';
import { COUNTERS } from '../metrics/catalog.js';
import { sortConnectErrors } from '../reports/connect-errors.js';
import type { ConnectErrorCount } from '../reports/report-types.js';

/** The detail of failures that no socket callback described. */
const NO_DETAIL: Readonly<Record<string, string>> = {
  timeout: 'no CONNACK in time',
  lost: 'CONNECT lost on the radio link',
  rejected: 'refused before sending (clock-skew fault)',
};

/** The detail of connects still waiting for their CONNACK when the run ended. */
export const RUN_END_DETAIL = 'still waiting for a CONNACK when the run ended';

/** Distinct (reason, detail) pairs kept; past it the rest are counted under `other`. */
const MAX_KINDS = 64;

/** The label of a failed pending result: `not_authorized`, `tls`... */
export function pendLabel(pend: number): string {
  const name = COUNTERS[PEND_FAILURE_COUNTER[pend] ?? -1] ?? '';
  return /reason="([^"]+)"/.exec(name)?.[1] ?? 'unknown';
}

export class ConnectErrorTally {
  private readonly counts = new Map<string, number>();

  add(pend: number, detail: string, n = 1): void {
    let key = `${pendLabel(pend)}\u0000${detail}`;
    if (!this.counts.has(key) && this.counts.size >= MAX_KINDS) key = `${pendLabel(pend)}\u0000other`;
    this.counts.set(key, (this.counts.get(key) ?? 0) + n);
  }

  /**
   * Most frequent first (ties by reason, then detail). `counted` gives the run's
   * mqtt_connect_failed_total counters: failures no socket callback saw (a device whose own
   * deadline passed first, a CONNECT lost on the radio) are added without a detail of their
   * own, so the list adds up to the counters.
   */
  list(counted?: (name: string) => number): ConnectErrorCount[] {
    const list = [...this.counts].map(([key, count]) => {
      const [reason = '', detail = ''] = key.split('\u0000');
      return { reason, detail, count };
    });
    if (counted !== undefined) {
      for (const name of COUNTERS) {
        const reason = /^mqtt_connect_failed_total\{reason="([^"]+)"\}$/.exec(name)?.[1];
        if (reason === undefined) continue;
        const seen = list.filter((e) => e.reason === reason).reduce((n, e) => n + e.count, 0);
        const missing = counted(name) - seen;
        if (missing > 0) list.push({ reason, detail: NO_DETAIL[reason] ?? 'no detail', count: missing });
      }
    }
    return sortConnectErrors(list);
  }
}
