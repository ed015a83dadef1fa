// The embedded backend's deployments, shared by every protocol's routes (fleetstorm, Mender,
// hawkBit DDI, AWS IoT Jobs): who is offered the deployment now (the campaign's waves, failure
// limit, pause and abort, src/backend/campaign.ts, fed by what devices report), what each device
// reported, and the server's view of the fleet. One deployment per run (the scenario's rollout).
import { Campaign, emptyCounts, type CampaignConfig, type WaveCounts } from './campaign.js';
import { ALL_REPORT_STATES } from '../ota-protocols/types.js';
import type { DeploymentDesk, DeskDeployment, DeskDeviceState } from '../ota-protocols/types.js';

/** Offered but not reported yet, every state a device reports, and the server's abort. */
const DESK_STATES: readonly DeskDeviceState[] = ['pending', ...ALL_REPORT_STATES, 'aborted'];

const FINAL: ReadonlySet<DeskDeviceState> = new Set(['success', 'failure', 'already-installed', 'aborted']);

export interface DeskDevice {
  id: string;
  deviceType: string;
  version: string;
}

export interface CampaignDeskOptions {
  deployment: DeskDeployment;
  /** The wave a device belongs to, or null when the rollout does not target it. */
  waveOf(dev: DeskDevice): number | null;
  campaign: CampaignConfig;
  /** The campaign's clock (µs since the run began: waves start at `campaign.startUs`). */
  nowUs(): number;
}

interface Entry {
  wave: number;
  state: DeskDeviceState;
  offered: boolean;
}

export class CampaignDesk implements DeploymentDesk {
  readonly campaign: Campaign;
  private readonly devices = new Map<string, Entry>();
  /** `from→to` → count: the status transitions devices went through. */
  private readonly moves = new Map<string, number>();
  private clock: () => number;

  constructor(private readonly o: CampaignDeskOptions) {
    this.campaign = new Campaign(o.campaign);
    this.clock = o.nowUs;
  }

  /** Replaces the campaign's clock (the live run's virtual clock exists once the run starts). */
  setClock(nowUs: () => number): void {
    this.clock = nowUs;
  }

  get deployment(): DeskDeployment {
    return this.o.deployment;
  }

  next(dev: DeskDevice): DeskDeployment | null {
    this.campaign.evaluate(this.clock());
    const dep = this.o.deployment;
    let e = this.devices.get(dev.id);
    if (e === undefined) {
      if (dev.version === dep.version) return null;
      const wave = this.o.waveOf(dev);
      if (wave === null) return null;
      e = { wave, state: 'pending', offered: false };
      this.devices.set(dev.id, e);
    }
    if (FINAL.has(e.state) || this.abortIfStopped(e)) return null;
    if (!e.offered) {
      const halted = this.campaign.status === 'paused' || this.campaign.status === 'aborted';
      if (halted || e.wave >= this.campaign.wavesStarted) return null;
      e.offered = true;
      this.count(e.wave, 'offered');
    }
    return dep;
  }

  report(
    deviceId: string,
    deploymentId: string,
    state: DeskDeviceState,
    detail?: string,
  ): 'ok' | 'aborted' | 'unknown' {
    const e = this.devices.get(deviceId);
    if (deploymentId !== this.o.deployment.id || e === undefined || !e.offered) return 'unknown';
    if (e.state === 'aborted') return 'aborted';
    if (FINAL.has(e.state)) return 'ok';
    this.move(e, state);
    if (state === 'success' || state === 'already-installed') this.count(e.wave, 'succeeded');
    else if (state === 'failure') this.count(e.wave, detail === 'rolled-back' ? 'rolledBack' : 'failed');
    this.campaign.evaluate(this.clock());
    return this.abortIfStopped(e) ? 'aborted' : 'ok';
  }

  cancelled(deviceId: string, deploymentId: string): boolean {
    const e = this.devices.get(deviceId);
    if (deploymentId !== this.o.deployment.id || e === undefined) return false;
    return e.state === 'aborted' || this.abortIfStopped(e);
  }

  /** The operator aborts the deployment: devices working on it are told to stop. */
  abort(reason = 'aborted by the operator'): void {
    this.campaign.abort(reason);
  }

  states(): Record<string, Record<DeskDeviceState, number>> {
    const counts = Object.fromEntries(DESK_STATES.map((s) => [s, 0])) as Record<DeskDeviceState, number>;
    for (const e of this.devices.values()) counts[e.state]++;
    return { [this.o.deployment.id]: counts };
  }

  /** Status transitions devices went through (`pending→downloading`: 10, ...). */
  transitions(): Record<string, Record<string, number>> {
    return { [this.o.deployment.id]: Object.fromEntries([...this.moves].sort((a, b) => b[1] - a[1])) };
  }

  /** An offered, unfinished device of an aborted campaign is aborted (true). */
  private abortIfStopped(e: Entry): boolean {
    if (this.campaign.status !== 'aborted' || !e.offered || FINAL.has(e.state)) return false;
    this.move(e, 'aborted');
    return true;
  }

  private move(e: Entry, to: DeskDeviceState): void {
    const key = `${e.state}→${to}`;
    this.moves.set(key, (this.moves.get(key) ?? 0) + 1);
    e.state = to;
  }

  private count(wave: number, what: keyof WaveCounts): void {
    const inc: WaveCounts[] = [];
    for (let w = 0; w <= wave; w++) inc.push(emptyCounts());
    (inc[wave] as WaveCounts)[what] = 1;
    this.campaign.addCounts(inc);
  }
}
