// One shard of the fleet as seen by the thread advancing it: typed-array views over the shard's
// SharedArrayBuffer plus the read-only run parameters. Device logic (src/device) and the backend
// model (src/backend-model) operate on this; nothing here allocates per event.
import { CalendarQueue } from './calendar-queue.js';
import { shardLayout, META, ShardArrays } from './shard-layout.js';
import { views } from './soa.js';
import type { Recorder } from '../metrics/recorder.js';
import type { ProgramHost } from '../program/host.js';
import type { TypeParams } from '../device/params.js';
import type { ModelShare } from '../backend-model/share.js';
import type { RolloutPlan, RolloutWindowState } from '../device/rollout-plan.js';
import type { FaultPlan, Occurrence } from '../faults/plan.js';
import type { OutcomeLog } from '../device/outcome-log.js';
import type { BackendPort } from '../device/port.js';
import type { OperationsPlan } from '../device/operation-plan.js';
import { sitesShareLink, type SiteTable } from '../topology/site-table.js';
import type { CohortPlan } from '../cohorts/plan.js';

export interface ShardStatic {
  shard: number;
  /** Shards in the whole (unsharded) fleet; global id = local × shards + shard. */
  shards: number;
  seed: number;
  /** --shard i/N: this run holds global ids ≡ offset (mod stride). Unsharded: 1 and 0. */
  stride: number;
  offset: number;
  size: number;
  types: TypeParams[];
  share: ModelShare;
  rollout: RolloutPlan | null;
  faults: FaultPlan;
  /** Virtual: the modelled backend; live: real sockets. */
  port: BackendPort;
  /** The run's sites (src/topology); absent or null: no topology. */
  sites?: SiteTable | null;
  /** What the run compares (src/cohorts): the coh* tallies exist. Absent or null: nothing. */
  cohorts?: CohortPlan | null;
  /** Drain multiplier per firmware index (`firmware-versions`); absent or null: 1 for all. */
  drainByFw?: Float64Array | null;
}

export class Shard {
  readonly a: ShardArrays;
  readonly q: CalendarQueue;
  /** Some device type answers commands: the command slots exist and take part in scheduling. */
  readonly hasCommands: boolean;
  /** Some device type buffers or aligns its readings: the reading, buffer and clock slots exist. */
  readonly hasSchedules: boolean;
  /** Virtual mode: the operations the modelled operator sends (null in live mode: real ones). */
  operations: OperationsPlan | null = null;
  /**
   * Device programs of this shard (src/program), or null. Their earliest timer per device is in
   * `progDue` (the host's `due`), one more due time of the device's node.
   */
  programs: ProgramHost | null = null;
  progDue: Float64Array = new Float64Array(0);
  /** Backend-side conditions in force now (set at global event boundaries). */
  outage = false;
  outageEndUs = -1;
  slowFactor = 1;
  reject = false;
  /** Parameters of the radio-degrade fault in force (for devices flagged `degraded`). */
  degrade: { latencyUs: number | null; lossRatio: number | null; bandwidthBytesPerSec: number | null } = {
    latencyUs: null,
    lossRatio: null,
    bandwidthBytesPerSec: null,
  };
  /** Per-wave counts gathered during the current window (see rollout-plan.ts WAVE_STAT). */
  waveStats = new Float64Array(0);
  /** Hits per fault (scenario order) during the current window. */
  faultHits: Float64Array;
  /** A timed corrupt-image occurrence in force: downloads starting now get a bad image. */
  corruptOcc: Occurrence | null = null;
  /** Rollout decisions for the current window (from the coordinator). */
  rolloutState: RolloutWindowState | null = null;
  /** Next due time per device and telemetry stream (`d * MAX_STREAMS + s`), sized on first use. */
  streamDue = new Float64Array(0);
  /** The run's sites, this shard's first one and how many it holds (0 without sites). */
  readonly sites: SiteTable | null;
  readonly siteFirst: number;
  readonly siteCount: number;
  /** The site link's latency and loss, added to every device's radio (0 without sites). */
  readonly siteLatencyUs: number;
  readonly siteLossRatio: number;
  /** The run compares cohorts: the per-device coh* tallies exist (src/cohorts/track.ts). */
  readonly hasCohorts: boolean;
  /** Drain multiplier per firmware index; null when every version drains alike. */
  readonly drainByFw: Float64Array | null;

  constructor(
    buf: SharedArrayBuffer,
    readonly st: ShardStatic,
    readonly rec: Recorder,
    readonly outcomes: OutcomeLog,
  ) {
    this.hasCommands = st.types.some((t) => t.commands !== null);
    this.hasSchedules = st.types.some((t) => t.bufCapacity > 0 || t.alignOffsetsUs.length > 0);
    this.hasCohorts = (st.cohorts ?? null) !== null;
    this.drainByFw = st.drainByFw ?? null;
    const sites = st.sites ?? null;
    this.sites = sites;
    this.siteFirst = sites ? (sites.first[st.shard] as number) : 0;
    this.siteCount = sites ? (sites.first[st.shard + 1] as number) - this.siteFirst : 0;
    this.siteLatencyUs = sites?.cfg.link.latencyUs ?? 0;
    this.siteLossRatio = sites?.cfg.link.lossRatio ?? 0;
    const layout = shardLayout(
      st.size,
      st.rollout !== null,
      this.hasCommands,
      this.hasSchedules,
      this.siteCount,
      sitesShareLink(sites?.cfg, st.faults.faults),
      (st.cohorts ?? null) !== null,
    );
    this.a = new ShardArrays(views(layout, buf));
    this.q = new CalendarQueue(this.a);
    this.faultHits = new Float64Array(st.faults.faults.length);
  }

  get port(): BackendPort {
    return this.st.port;
  }

  get meta(): Float64Array {
    return this.a.meta;
  }

  globalId(local: number): number {
    return (local * this.st.shards + this.st.shard) * this.st.stride + this.st.offset;
  }

  setConn(d: number, state: number): void {
    const a = this.a;
    const old = a.conn[d] as number;
    a.meta[META.connCounts + old] = (a.meta[META.connCounts + old] as number) - 1;
    a.meta[META.connCounts + state] = (a.meta[META.connCounts + state] as number) + 1;
    a.conn[d] = state;
  }

  setOta(d: number, state: number): void {
    const a = this.a;
    const old = a.ota[d] as number;
    a.meta[META.otaCounts + old] = (a.meta[META.otaCounts + old] as number) - 1;
    a.meta[META.otaCounts + state] = (a.meta[META.otaCounts + state] as number) + 1;
    a.ota[d] = state;
  }

  /** Puts the device's node at the earliest of its pending connectivity, OTA, command and flush events. */
  reschedule(d: number): void {
    let t = Math.min(this.a.connDue[d] as number, this.a.otaDue[d] as number);
    if (this.hasCommands) t = Math.min(t, this.a.cmdDue[d] as number);
    if (this.hasSchedules) t = Math.min(t, this.a.flushDue[d] as number);
    if (this.programs !== null) t = Math.min(t, this.progDue[d] as number);
    if (t === Infinity) this.q.cancel(d);
    else this.q.schedule(d, t);
  }
}
