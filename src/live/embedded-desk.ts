// The embedded backend's deployment desk for a live run: the scenario's rollout as the update
// server holds it (one deployment, the same waves, failure limit and pause/abort as the
// campaign model), and every available protocol's routes and broker services mounted on it, so
// a device type of any `ota.protocol` finds its server out of the box.
import { CampaignDesk, type DeskDevice } from '../backend/deployment-desk.js';
import { imageSha256 } from '../backend/firmware-image.js';
import type { EmbeddedBackendOptions } from '../backend/types.js';
import { wallClockMs } from '../clock/real-clock.js';
import { campaignConfigOf } from '../core/rollout-window.js';
import { groupLookup, isTargeted, planRollout, waveOf } from '../device/rollout-plan.js';
import { availableProtocols } from '../ota-protocols/registry.js';
import type { ResolvedScenario } from '../scenario/types.js';
import { fleetDevicesOf } from '../app/fleet-setup.js';

/** The global device id at the end of a device id (`fs1a2b3c4d-42` → 42), or null. */
export function gidOf(deviceId: string): number | null {
  const m = /(\d+)$/.exec(deviceId);
  return m === null ? null : Number(m[1]);
}

export async function embeddedDesk(s: ResolvedScenario): Promise<CampaignDesk | null> {
  const r = s.rollout;
  if (!r) return null;
  const devices = fleetDevicesOf(s);
  const targeting = planRollout(s, devices, s.seed);
  if (targeting === null) return null;
  const { plan, perWave } = targeting;
  const lookup = groupLookup(s);
  const image = { version: r.firmware.version, sizeBytes: r.firmware.sizeBytes };
  return new CampaignDesk({
    deployment: {
      id: `rollout-${r.firmware.version}`,
      ...image,
      sha256: await imageSha256(image),
      path: `/v1/firmware/${encodeURIComponent(r.firmware.version)}`,
    },
    waveOf: (dev: DeskDevice) => {
      const gid = gidOf(dev.id);
      if (gid === null || gid >= devices) return null;
      const { type, fw } = lookup(gid);
      if (!isTargeted(plan, s.seed, gid, type, fw)) return null;
      const wave = waveOf(plan, s.seed, gid);
      return wave < perWave.length ? wave : null;
    },
    campaign: campaignConfigOf(r, perWave),
    nowUs: () => 0, // until the run's clock is set (LiveTargets.desk.setClock)
  });
}

/** Routes and broker services of every available protocol, on the desk. */
export function protocolMounts(
  desk: CampaignDesk,
): Pick<EmbeddedBackendOptions, 'routes' | 'brokerServices'> {
  const o = { desk, nowMs: wallClockMs };
  const modules = availableProtocols();
  return {
    routes: modules.flatMap((m) => m.routes?.(o) ?? []),
    brokerServices: modules.flatMap((m) => (m.broker ? [m.broker(o)] : [])),
  };
}
