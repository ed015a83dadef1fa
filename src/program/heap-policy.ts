// The heap policy of a process that runs device programs. A fleet of programs allocates steadily
// and keeps much of it for minutes of virtual time (a thermostat's readings live for its batch
// period), so the young generation promotes it and the old generation fills with garbage; V8 then
// lets the old generation grow to up to 4x what survived the last full collection before it
// collects again. With 100,000 thermostats that slack, not the devices, was two thirds of the peak
// RSS (4.3 KB per device beyond the built-in device against 0.8 KB live). A 1.5x growth factor
// collects sooner, at about the same CPU (measured in BENCHMARKS.md, "Device programs").
import { setFlagsFromString } from 'node:v8';

/** The old generation may grow to this much more than survived the last full collection. */
export const HEAP_GROWING_PERCENT = 50;
const FLAG = '--heap-growing-percent';

let applied = false;

/**
 * Sets V8's heap growing factor for this process (a V8 flag: every thread of the process), once,
 * unless the process was started with its own `--heap-growing-percent`.
 */
export function applyProgramHeapPolicy(): void {
  if (applied) return;
  applied = true;
  if (process.execArgv.some((a) => a.startsWith(FLAG) || a.startsWith('--heap_growing_percent'))) return;
  setFlagsFromString(`${FLAG}=${HEAP_GROWING_PERCENT}`);
}
