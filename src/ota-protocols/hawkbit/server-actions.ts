// What the embedded DDI server remembers: each controller (target) it has seen, with the
// attributes it reported (configData) and its active action, and one integer action id per
// (controller, deployment): DDI's `actionId` is an int64 in every path.
import type { DeskDeployment } from '../types.js';

export interface DdiTarget {
  /** From configData (`deviceType`, `version`); null until the controller sent it. */
  deviceType: string | null;
  version: string | null;
  /** hawkBit asks for the attributes again after a successful update. */
  configRequested: boolean;
  /** The action handed out last and not closed yet (0: none). */
  activeActionId: number;
}

export interface DdiAction {
  id: number;
  controllerId: string;
  deployment: DeskDeployment;
  /** The controller confirmed the server's cancellation. */
  cancelConfirmed: boolean;
  closed: boolean;
}

export class DdiActions {
  private readonly targets = new Map<string, DdiTarget>();
  private readonly byKey = new Map<string, DdiAction>();
  private readonly byId: DdiAction[] = [];

  /** hawkBit registers an unknown controller on its first poll (findOrRegisterTarget). */
  target(controllerId: string): DdiTarget {
    let t = this.targets.get(controllerId);
    if (t === undefined) {
      t = { deviceType: null, version: null, configRequested: true, activeActionId: 0 };
      this.targets.set(controllerId, t);
    }
    return t;
  }

  get targetCount(): number {
    return this.targets.size;
  }

  /** The action of this controller for this deployment, created on first use. */
  actionFor(controllerId: string, deployment: DeskDeployment): DdiAction {
    const key = `${controllerId}\u0000${deployment.id}`;
    let action = this.byKey.get(key);
    if (action === undefined) {
      action = { id: this.byId.length + 1, controllerId, deployment, cancelConfirmed: false, closed: false };
      this.byId.push(action);
      this.byKey.set(key, action);
    }
    return action;
  }

  /** The action with this id if it belongs to this controller. */
  find(controllerId: string, actionId: number): DdiAction | null {
    const action = this.byId[actionId - 1];
    return action !== undefined && action.controllerId === controllerId ? action : null;
  }
}
