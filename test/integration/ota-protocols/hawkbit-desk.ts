// A DeploymentDesk for the hawkBit route tests: one deployment for every device not on its
// version, the reports kept in order, cancellation switched by the test. (The campaign-backed
// desk of the embedded backend is exercised by the live-mode tests.)
import type { DeploymentDesk, DeskDeployment, DeskDeviceState } from '../../../src/ota-protocols/types.js';

export class ScriptedDesk implements DeploymentDesk {
  readonly reports: { deviceId: string; state: DeskDeviceState; detail?: string }[] = [];
  readonly cancelledFor = new Set<string>();
  private readonly done = new Set<string>();

  constructor(readonly deployment: DeskDeployment) {}

  next(dev: { id: string; version: string }): DeskDeployment | null {
    if (dev.version === this.deployment.version || this.done.has(dev.id) || this.cancelledFor.has(dev.id))
      return null;
    return this.deployment;
  }

  report(
    deviceId: string,
    deploymentId: string,
    state: DeskDeviceState,
    detail?: string,
  ): 'ok' | 'aborted' | 'unknown' {
    if (deploymentId !== this.deployment.id) return 'unknown';
    this.reports.push(detail === undefined ? { deviceId, state } : { deviceId, state, detail });
    if (state === 'success' || state === 'failure' || state === 'aborted') this.done.add(deviceId);
    return this.cancelledFor.has(deviceId) && state !== 'aborted' ? 'aborted' : 'ok';
  }

  cancelled(deviceId: string): boolean {
    return this.cancelledFor.has(deviceId);
  }

  statesOf(deviceId: string): DeskDeviceState[] {
    return this.reports.filter((r) => r.deviceId === deviceId).map((r) => r.state);
  }

  states(): Record<string, Record<DeskDeviceState, number>> {
    return {};
  }
}
