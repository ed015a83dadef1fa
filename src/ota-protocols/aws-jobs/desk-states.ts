// Job execution status + `statusDetails.step` (what the client reports) ↔ the DeploymentDesk's
// device states. The client puts the agent's state in `step`; Jobs has only IN_PROGRESS for all
// of downloading … rebooting.
import type { DeskDeviceState } from '../types.js';
import type { StatusDetails } from './messages.js';

const DESK_STEPS: ReadonlySet<string> = new Set(['downloading', 'downloaded', 'installing', 'rebooting']);

export function deskState(status: string, details: StatusDetails | undefined): DeskDeviceState {
  const step = details?.step ?? '';
  if (status === 'IN_PROGRESS') return DESK_STEPS.has(step) ? (step as DeskDeviceState) : 'downloading';
  if (status === 'SUCCEEDED') return step === 'already-installed' ? 'already-installed' : 'success';
  return 'failure';
}
