// Per-device event trail for OTA outcomes: the last TRAIL_SLOTS events of the device's current
// update attempt, in a ring inside the shard's shared arrays. When a device ends failed, rolled
// back or bricked, its trail goes to the outcome log, so one bricked device in a million can
// be investigated without keeping a log for every device.
import { indexMap } from '../metrics/index-of.js';
import { TRAIL_SLOTS } from '../core/shard-layout.js';
import type { Shard } from '../core/shard.js';

export const TRAIL_EVENTS = [
  'offered',
  'download-start',
  'download-resumed',
  'download-restarted',
  'radio-drop',
  'download-done',
  'verify-failed',
  'battery-gate',
  'install-start',
  'power-loss',
  'battery-flat',
  'reboot',
  'health-failed',
  'rolled-back',
  'bricked',
  'committed',
  'retry',
  'gave-up',
  'server-busy',
  'backend-outage',
] as const;
export type TrailEvent = (typeof TRAIL_EVENTS)[number];
export const TE = indexMap(TRAIL_EVENTS);

export function trail(sh: Shard, d: number, t: number, event: number): void {
  const a = sh.a;
  if (a.trailLen.length === 0) return;
  const len = a.trailLen[d] as number;
  const slot = d * TRAIL_SLOTS + (len % TRAIL_SLOTS);
  a.trailAt[slot] = t;
  a.trailCode[slot] = event;
  a.trailLen[d] = len >= 255 - TRAIL_SLOTS ? TRAIL_SLOTS + (len % TRAIL_SLOTS) + 1 : len + 1;
}

export function clearTrail(sh: Shard, d: number): void {
  if (sh.a.trailLen.length > 0) sh.a.trailLen[d] = 0;
}

/** The device's trail, oldest first. */
export function readTrail(sh: Shard, d: number): { atUs: number; event: string }[] {
  const a = sh.a;
  if (a.trailLen.length === 0) return [];
  const len = a.trailLen[d] as number;
  const n = Math.min(len, TRAIL_SLOTS);
  const out: { atUs: number; event: string }[] = [];
  for (let k = len - n; k < len; k++) {
    const slot = d * TRAIL_SLOTS + (k % TRAIL_SLOTS);
    out.push({
      atUs: a.trailAt[slot] as number,
      event: TRAIL_EVENTS[a.trailCode[slot] as number] ?? 'unknown',
    });
  }
  return out;
}
