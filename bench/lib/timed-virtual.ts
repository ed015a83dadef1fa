// One virtual run of a scenario document, timed: wall seconds and CPU seconds of the whole
// process (worker threads included: steadier than wall time on a busy machine).
import { runResolved } from '../../src/app/run.js';
import { monotonicMs } from '../../src/clock/real-clock.js';
import type { Report } from '../../src/reports/report-types.js';
import { resolveScenarioObject } from '../../src/scenario/index.js';

export interface TimedRun {
  report: Report;
  wallS: number;
  cpuS: number;
}

export async function timedVirtualRun(doc: Record<string, unknown> & { name: string }): Promise<TimedRun> {
  const s = await resolveScenarioObject(doc, doc.name, { env: {} });
  const t0 = monotonicMs();
  const cpu0 = process.cpuUsage();
  const { report } = await runResolved(s, { noFiles: true });
  const wallS = (monotonicMs() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  return { report, wallS, cpuS: (cpu.user + cpu.system) / 1e6 };
}
