// The requests a Mender device makes, for virtual mode's modelled API capacity (per update
// check, per status report, per boot), as this client sends them, which is as Debian's
// mender-client 3.4 does (test/fixtures/specs/mender/real-client-notes.md). Defaults are the
// Mender client's: UpdatePollIntervalSeconds 1800, InventoryPollIntervalSeconds 28800; a device
// JWT lives for deviceauth's default jwt_exp_timeout, 7 days, and is kept across reboots (the
// client stores it), so authentication rides on the update's commit, not on boots.
import type { MenderSettings } from '../../scenario/ota-settings/mender.js';
import { ALL_REPORT_STATES, type OtaRequestPattern } from '../types.js';
import { menderStatusesOf } from './wire.js';

export const MENDER_DEFAULTS = {
  updatePollMs: 1800 * 1000,
  inventoryPollMs: 28_800 * 1000,
  tokenTtlMs: 7 * 24 * 3600 * 1000,
} as const;

/** The inventory goes out every N-th update check: N = inventory interval / poll interval (16). */
export function checksPerInventory(updatePollMs: number, inventoryPollMs: number): number {
  return Math.max(1, Math.round(inventoryPollMs / Math.max(1, updatePollMs)));
}

/** The states of a successful update, each reported once by the agent. */
const UPDATE_STATES = ['downloading', 'downloaded', 'installing', 'rebooting', 'success'] as const;

export function menderPattern(settings: MenderSettings | null): OtaRequestPattern {
  const pollMs = settings === null ? MENDER_DEFAULTS.updatePollMs : settings.pollIntervalUs / 1000;
  const inventoryMs =
    settings === null ? MENDER_DEFAULTS.inventoryPollMs : settings.inventoryIntervalUs / 1000;
  // A successful update sends 7 status PUTs for its 5 reports (downloading x3, installing,
  // rebooting, installing again, success) and one auth request before the commit.
  const statuses = UPDATE_STATES.reduce((n, s) => n + menderStatusesOf(s).length, 0);
  return {
    perCheck: { check: 1, inventory: 1 / checksPerInventory(pollMs, inventoryMs) },
    perReport: { report: statuses / UPDATE_STATES.length, auth: 1 / UPDATE_STATES.length },
    perBoot: { inventory: 1 },
    reports: ALL_REPORT_STATES,
    pollIntervalUs: pollMs * 1000,
    transport: 'http',
  };
}
