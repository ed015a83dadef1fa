// Sizing and allocating the fleet for a virtual run: device count (this --shard's slice),
// shards, their SharedArrayBuffers, and the rollout plan.
import { allocate } from '../core/soa.js';
import { shardLayout, shardSize } from '../core/shard-layout.js';
import { buildSiteTable, shardCountWithSites, sitesShareLink } from '../topology/site-table.js';
import { planRollout, type Targeting } from '../device/rollout-plan.js';
import type { ResolvedScenario } from '../scenario/types.js';
import { anyCommands } from '../device/params.js';
import { anySchedules } from '../scenario/resolve-schedule.js';
import { runCohortPlan } from '../cohorts/run-plan.js';
import type { RunContext, ShardHandle } from '../workers/protocol.js';

export interface FleetSetup {
  ctx: RunContext;
  handles: ShardHandle[];
  targeting: Targeting | null;
  fleetDevices: number;
}

export function fleetDevicesOf(s: ResolvedScenario): number {
  return s.fleet.reduce((n, g) => n + g.count, 0);
}

export function setupFleet(s: ResolvedScenario, runId: string): FleetSetup {
  const fleetDevices = fleetDevicesOf(s);
  const stride = s.shard?.count ?? 1;
  const offset = s.shard?.index ?? 0;
  const devices = shardSize(fleetDevices, stride, offset);
  const shards = shardCountWithSites(devices, s.sites, stride, offset);
  const sites = s.sites ? buildSiteTable(s.sites, devices, shards, s.seed, stride, offset) : null;
  const siteLink = sitesShareLink(s.sites, s.faults);
  const targeting = planRollout(s, fleetDevices, s.seed, stride, offset);
  const withTrail = s.rollout !== null;
  const withCommands = anyCommands(s);
  const cohorts = runCohortPlan(s);
  const handles: ShardHandle[] = [];
  for (let shard = 0; shard < shards; shard++) {
    const size = shardSize(devices, shards, shard);
    const siteCount = sites ? (sites.first[shard + 1] as number) - (sites.first[shard] as number) : 0;
    const layout = shardLayout(
      size,
      withTrail,
      withCommands,
      anySchedules(s),
      siteCount,
      siteLink,
      cohorts !== null,
    );
    handles.push({ shard, size, buf: allocate(layout) });
  }
  const ctx: RunContext = {
    runId,
    scenario: s,
    devices,
    shards,
    plan: targeting?.plan ?? null,
    sites,
    cohorts,
  };
  return { ctx, handles, targeting, fleetDevices };
}

/** Contiguous groups of shards, one per worker: results concatenate in shard order. */
export function groupShards(handles: ShardHandle[], workers: number): ShardHandle[][] {
  const groups: ShardHandle[][] = [];
  const n = Math.min(workers, handles.length);
  for (let w = 0; w < n; w++) {
    const from = Math.floor((w * handles.length) / n);
    const to = Math.floor(((w + 1) * handles.length) / n);
    groups.push(handles.slice(from, to));
  }
  return groups;
}
