// The requests a Mender device makes, for virtual mode's modelled API capacity: per update
// check, per status report, per boot and periodically (the Mender client's defaults:
// UpdatePollIntervalSeconds 1800, InventoryPollIntervalSeconds 28800; a device JWT lives for
// deviceauth's default jwt_exp_timeout, 7 days, so a re-authentication rides on a boot).
import type { OtaReportState } from '../types.js';
import { menderStatusesOf, type MenderEndpoint } from './wire.js';

export const MENDER_DEFAULTS = {
  updatePollMs: 1800 * 1000,
  inventoryPollMs: 28_800 * 1000,
  tokenTtlMs: 7 * 24 * 3600 * 1000,
} as const;

export type EndpointCounts = Partial<Record<MenderEndpoint, number>>;

export interface MenderRequestPattern {
  /** An update check: `GET deployments/next`. */
  perCheck: EndpointCounts;
  /** A boot: a fresh token (`auth_requests`) and the inventory upload. */
  perBoot: EndpointCounts;
  /** Status reports (wire.ts menderStatusesOf); `failure` uploads the log, `success` re-authenticates first. */
  perReport(state: OtaReportState): EndpointCounts;
  /** Requests a device sends on its own timers, besides the checks. */
  periodic: readonly { endpoint: MenderEndpoint; everyMs: number }[];
  /** The update check period. */
  pollMs: number;
}

export function menderRequestPattern(
  opts: { updatePollMs?: number; inventoryPollMs?: number } = {},
): MenderRequestPattern {
  return {
    perCheck: { next: 1 },
    perBoot: { auth: 1, inventory: 1 },
    perReport(state) {
      const status = menderStatusesOf(state).length;
      if (state === 'failure') return { status, log: 1 };
      return state === 'success' ? { auth: 1, status } : { status };
    },
    periodic: [{ endpoint: 'inventory', everyMs: opts.inventoryPollMs ?? MENDER_DEFAULTS.inventoryPollMs }],
    pollMs: opts.updatePollMs ?? MENDER_DEFAULTS.updatePollMs,
  };
}
