// Devices that ended an update failed, rolled back or bricked, collected per window task and
// sent to the main thread, which writes them to outcomes.ndjson / outcomes.csv.
import type { DeviceOutcome } from '../reports/report-types.js';

export class OutcomeLog {
  readonly items: DeviceOutcome[] = [];

  add(item: DeviceOutcome): void {
    this.items.push(item);
  }

  drain(): DeviceOutcome[] {
    return this.items.splice(0, this.items.length);
  }
}
