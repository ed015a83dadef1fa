// Rollout campaign decisions: which waves have started, and whether the campaign is paused or
// aborted because a wave failed too often. Pure and shared by both modes: the virtual backend
// model calls it at every barrier with the fleet's per-wave counts; the embedded backend calls
// it with the counts it sees from device status reports.

export interface CampaignConfig {
  startUs: number;
  /** Devices targeted per wave (from the selector and the wave cuts). */
  targetedPerWave: number[];
  waveIntervalUs: number | null;
  waveWhenDoneRatio: number | null;
  failureLimit: { ratio: number; action: 'pause' | 'abort' } | null;
  /** A wave's failure ratio is only judged once this many of its devices were offered. */
  minSample: number;
}

export interface WaveCounts {
  offered: number;
  succeeded: number;
  failed: number;
  rolledBack: number;
  bricked: number;
}

export type CampaignStatus = 'pending' | 'running' | 'paused' | 'aborted' | 'done';

export interface WaveProgress extends WaveCounts {
  index: number;
  targeted: number;
  startedAtUs: number | null;
  endedAtUs: number | null;
}

export function emptyCounts(): WaveCounts {
  return { offered: 0, succeeded: 0, failed: 0, rolledBack: 0, bricked: 0 };
}

function done(w: WaveCounts): number {
  return w.succeeded + w.failed + w.rolledBack + w.bricked;
}

export class Campaign {
  status: CampaignStatus = 'pending';
  statusReason: string | null = null;
  readonly waves: WaveProgress[];

  constructor(private readonly cfg: CampaignConfig) {
    this.waves = cfg.targetedPerWave.map((targeted, index) => ({
      ...emptyCounts(),
      index,
      targeted,
      startedAtUs: null,
      endedAtUs: null,
    }));
  }

  get wavesStarted(): number {
    return this.waves.filter((w) => w.startedAtUs !== null).length;
  }

  /** Ends the campaign at once (an operator's abort on the server): no further offers. */
  abort(reason: string): void {
    if (this.status === 'done') return;
    this.status = 'aborted';
    this.statusReason = reason;
  }

  /** Adds per-wave increments observed since the last call. */
  addCounts(perWave: WaveCounts[]): void {
    perWave.forEach((inc, i) => {
      const w = this.waves[i];
      if (!w) return;
      w.offered += inc.offered;
      w.succeeded += inc.succeeded;
      w.failed += inc.failed;
      w.rolledBack += inc.rolledBack;
      w.bricked += inc.bricked;
    });
  }

  /** Decides at time `nowUs`; returns the number of waves started now (for push notices). */
  evaluate(nowUs: number): number {
    if (this.status === 'aborted' || this.status === 'paused' || this.status === 'done') return 0;
    this.closeFinishedWaves(nowUs);
    if (this.checkFailureLimit()) return 0;
    let started = 0;
    while (this.canStartNext(nowUs)) {
      const w = this.waves[this.wavesStarted] as WaveProgress;
      w.startedAtUs = nowUs;
      if (w.targeted === 0) w.endedAtUs = nowUs;
      this.status = 'running';
      started++;
    }
    if (this.wavesStarted === this.waves.length && this.waves.every((w) => w.endedAtUs !== null))
      this.status = 'done';
    return started;
  }

  private closeFinishedWaves(nowUs: number): void {
    for (const w of this.waves) {
      if (w.startedAtUs !== null && w.endedAtUs === null && done(w) >= w.targeted) w.endedAtUs = nowUs;
    }
  }

  private checkFailureLimit(): boolean {
    const limit = this.cfg.failureLimit;
    if (!limit) return false;
    for (const w of this.waves) {
      if (w.startedAtUs === null || w.offered < this.cfg.minSample) continue;
      const ratio = (w.failed + w.rolledBack + w.bricked) / w.offered;
      if (ratio > limit.ratio) {
        this.status = limit.action === 'pause' ? 'paused' : 'aborted';
        this.statusReason = `wave ${w.index + 1} failure ratio ${(ratio * 100).toFixed(2)}% > limit ${(limit.ratio * 100).toFixed(2)}%`;
        return true;
      }
    }
    return false;
  }

  private canStartNext(nowUs: number): boolean {
    const next = this.wavesStarted;
    if (next >= this.waves.length) return false;
    if (next === 0) return nowUs >= this.cfg.startUs;
    const prev = this.waves[next - 1] as WaveProgress;
    const prevStart = prev.startedAtUs as number;
    if (this.cfg.waveIntervalUs !== null && nowUs < prevStart + this.cfg.waveIntervalUs) return false;
    if (this.cfg.waveWhenDoneRatio !== null) {
      const target = Math.max(1, prev.targeted);
      if (done(prev) / target < this.cfg.waveWhenDoneRatio) return false;
    }
    return true;
  }
}
