// Slots of a shard's per-site array (`siteStat`, in the shard's SharedArrayBuffer): the site's
// shared link and what the report tells per site.
export const SITE_STAT = {
  /** Downloads running at the site now (they share the site link). */
  activeDownloads: 0,
  /** The site link's bandwidth now in bytes/s (lowered by a radio-degrade of the site); 0: none. */
  linkBytesPerSec: 1,
  connectAttempts: 2,
  connectFailures: 3,
  /** Site outages (a radio-drop or power-loss of the whole site), and devices they hit. */
  outages: 4,
  outageHits: 5,
  /** When the last outage began (-1: none), and its devices online then not yet back. */
  outageAtUs: 6,
  pending: 7,
  /** Longest recovery so far: outage start → last of its online devices connected again. */
  recoveryMaxUs: 8,
  /** Outages whose devices had all reconnected by the end. */
  recovered: 9,
  width: 10,
} as const;
