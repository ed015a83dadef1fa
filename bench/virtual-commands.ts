// Virtual mode with and without operator commands: scenarios/fleet-commands.yaml as shipped, and
// the same fleet with its `commands` and `operations` taken out, side by side in one process,
// alternating. Prints CPU per device event (the whole process, worker threads included: steadier
// than wall time on a shared machine) and what the model cost per command sent.
//   npx tsx bench/virtual-commands.ts [--devices 300000] [--runs 3]
import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';
import { runResolved } from '../src/app/run.js';
import { resolveScenarioObject } from '../src/scenario/index.js';

const arg = (name: string, dflt: string): string => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? (process.argv[i + 1] ?? dflt) : dflt;
};
const devices = Number(arg('devices', '300000'));
const runs = Number(arg('runs', '3'));

type Doc = Record<string, unknown> & { fleet: { device: Record<string, unknown> }[] };
const shipped = parse(await readFile('scenarios/fleet-commands.yaml', 'utf8')) as Doc;

function variant(withCommands: boolean): Doc {
  const doc = structuredClone(shipped);
  doc.workers = 1;
  if (!withCommands) {
    delete doc.operations;
    for (const g of doc.fleet) delete g.device.commands;
    doc.thresholds = [];
  }
  return doc;
}

async function measure(withCommands: boolean) {
  const s = await resolveScenarioObject(variant(withCommands), 'fleet-commands (bench)', {
    env: {},
    baseDir: 'scenarios',
    overrides: { devices, scaleBackend: true },
  });
  const c0 = process.cpuUsage();
  const { report } = await runResolved(s, { noFiles: true });
  const c = process.cpuUsage(c0);
  return {
    cpuS: (c.user + c.system) / 1e6,
    events: report.run.eventsProcessed,
    sent: report.metrics.counters['command_sent_total'] ?? 0,
  };
}

const rows: { with: boolean; cpuS: number; events: number; sent: number }[] = [];
for (let i = 0; i < runs; i++) {
  for (const w of [false, true]) {
    const m = await measure(w);
    rows.push({ with: w, ...m });
    console.log(
      JSON.stringify({
        commands: w,
        devices,
        events: m.events,
        sent: m.sent,
        cpuS: Number(m.cpuS.toFixed(2)),
        nsPerEvent: Math.round((m.cpuS * 1e9) / m.events),
      }),
    );
  }
}
const mean = (w: boolean): number =>
  rows.filter((r) => r.with === w).reduce((n, r) => n + r.cpuS, 0) / Math.max(1, runs);
const sent = rows.find((r) => r.with)?.sent ?? 0;
console.log(
  JSON.stringify({
    meanCpuWithoutS: Number(mean(false).toFixed(2)),
    meanCpuWithS: Number(mean(true).toFixed(2)),
    cpuPerCommandUs: sent > 0 ? Number((((mean(true) - mean(false)) * 1e6) / sent).toFixed(1)) : null,
  }),
);
