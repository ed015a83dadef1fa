// The smaller commands: validate, report render|merge, init, k8s render.
import { writeFile, mkdir, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { EXIT, type ExitCode } from '../../errors/exit-codes.js';
import { ToolError } from '../../errors/tool-error.js';
import { renderK8s } from '../../k8s/render.js';
import { renderHtml } from '../../reports/html/render-html.js';
import { mergeReports } from '../../reports/merge.js';
import { readReport, readReportAt } from '../../reports/read-report.js';
import { renderSummary } from '../../reports/summary-text.js';
import { writeReportFiles } from '../../reports/write-report.js';
import { scaffoldScenario, type ScaffoldOptions } from '../../scaffold/init.js';
import { writeScaffoldFiles } from '../../scaffold/write.js';
import { validateFiles } from '../../scenario/index.js';
import { exitCodeOf } from '../../app/run.js';
import { mergeShardOutcomes, OUTCOMES_NDJSON, writeOutcomes } from '../../app/outcomes-file.js';
import { err, out } from '../output.js';

export async function validateCommand(files: string[]): Promise<ExitCode> {
  const results = await validateFiles(files);
  let failed = 0;
  for (const r of results) {
    for (const w of r.warnings ?? []) err(`warning: ${w}`);
    if (r.ok) out(`ok    ${r.path} (${r.kind})`);
    else {
      failed++;
      err(r.error ? r.error.toLine() : `invalid ${r.path}`);
    }
  }
  out(`${results.length - failed} valid, ${failed} invalid`);
  return failed > 0 ? EXIT.usage : EXIT.ok;
}

export async function renderCommand(path: string, outDir: string | undefined): Promise<ExitCode> {
  const report = await readReport(path);
  const isDir = await stat(path).then(
    (st) => st.isDirectory(),
    () => false,
  );
  const dir = outDir ?? (isDir ? path : dirname(path));
  const paths = await writeReportFiles(report, dir, { html: renderHtml });
  out(renderSummary(report));
  err(`rendered: ${paths.dir}/ (report.html, summary.txt, junit.xml)`);
  return EXIT.ok;
}

export async function mergeCommand(
  paths: string[],
  outDir: string | undefined,
  json: boolean,
  allowPartial = false,
): Promise<ExitCode> {
  if (paths.length < 1) {
    throw new ToolError('FLEETSTORM_ERR_CLI_ARGUMENT', 'report merge needs at least one report.json', {
      fix: 'fleetstorm report merge shard-0/report.json shard-1/report.json --out merged/',
    });
  }
  const shards = [];
  for (const p of paths) shards.push(await readReportAt(p));
  const merged = mergeReports(
    shards.map((x) => x.report),
    { allowPartial },
  );
  const outcomes = await mergeShardOutcomes(shards);
  if (outcomes) merged.outcomes = { ...merged.outcomes, file: OUTCOMES_NDJSON };
  const dir = outDir ?? join(dirname(paths[0] as string), '..', 'merged');
  const written = await writeReportFiles(merged, dir, { html: renderHtml });
  if (outcomes) await writeOutcomes(written.dir, outcomes);
  if (json)
    out(
      JSON.stringify({
        verdict: merged.verdict,
        status: merged.status,
        reportDir: written.dir,
        thresholds: merged.thresholds,
      }),
    );
  else out(renderSummary(merged));
  err(`merged ${paths.length} reports into ${written.dir}/`);
  return exitCodeOf(merged);
}

export async function initCommand(o: ScaffoldOptions, force: boolean): Promise<ExitCode> {
  const { files } = scaffoldScenario(o);
  const written = await writeScaffoldFiles(files, force);
  for (const w of written) out(`wrote ${w}`);
  out(`next: fleetstorm validate ${written[0] ?? ''} && fleetstorm run ${written[0] ?? ''}`);
  const test = written.find((w) => w.endsWith('.test.ts'));
  if (test) out(`unit-test the program: npx vitest run ${test}`);
  return EXIT.ok;
}

export async function k8sCommand(
  scenarioPath: string,
  opts: {
    shards: number;
    image: string;
    profile?: string;
    namespace?: string;
    out?: string;
    extraArgs: string[];
  },
): Promise<ExitCode> {
  // Only that it is a file: reading a FIFO or /dev/zero would never end.
  const isFile = await stat(scenarioPath).then(
    (st) => st.isFile(),
    () => false,
  );
  if (!isFile) {
    throw new ToolError('FLEETSTORM_ERR_SCENARIO_NOT_FOUND', 'scenario file not found', {
      where: scenarioPath,
      fix: 'give the scenario path as it is inside the image (e.g. scenarios/reconnect-storm.yaml)',
    });
  }
  const yaml = renderK8s({
    scenarioPath,
    shards: opts.shards,
    image: opts.image,
    profile: opts.profile,
    namespace: opts.namespace,
    extraArgs: opts.extraArgs,
  });
  if (opts.out) {
    await mkdir(dirname(opts.out), { recursive: true });
    await writeFile(opts.out, yaml);
    err(`wrote ${opts.out}`);
  } else out(yaml);
  return EXIT.ok;
}
