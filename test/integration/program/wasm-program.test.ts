// A device type's `program: ./x.wasm` in a run: the module assembled from the WAT thermostat runs
// in the worker threads (no bundle), its `hal_sensor` reads the telemetry payload's generators,
// and a file that is not a module, or breaks the host's conventions, stops the run before it
// starts with one FLEETSTORM_ERR_PROGRAM. A JS program reaches the host as `fleetstorm/wasm`.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assemble } from '../../helpers/wat.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runResolved } from '../../../src/app/run.js';
import { ToolError } from '../../../src/errors/tool-error.js';
import type { Report } from '../../../src/reports/report-types.js';
import { resolveScenarioObject } from '../../../src/scenario/index.js';

const WAT = join(import.meta.dirname, '..', '..', 'fixtures', 'programs', 'thermostat.wat');
let dir = '';

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'fleetstorm-wasm-program-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

async function run(program: string, devices = 50): Promise<Report> {
  const doc = {
    name: 'wasm-program',
    seed: 5,
    workers: 2,
    duration: '2h',
    'power-on': { spread: '0s' },
    fleet: [
      {
        device: {
          name: 'wasm-thermo',
          extends: 'gateway',
          program: `./${program}`,
          telemetry: { payload: { json: { temperature: { normal: { mean: 21, stddev: 0.5 } } } } },
        },
        count: devices,
      },
    ],
  };
  const s = await resolveScenarioObject(doc, 'wasm-program (in memory)', { env: {}, baseDir: dir });
  const { report } = await runResolved(s, { noFiles: true });
  return report;
}

const c = (r: Report, n: string): number => r.metrics.counters[n] ?? 0;

async function expectProgramError(program: string, pattern: RegExp): Promise<void> {
  const err: unknown = await run(program, 2).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(ToolError);
  const e = err as ToolError;
  expect(e.code).toBe('FLEETSTORM_ERR_PROGRAM');
  expect(e.where).toContain('device type wasm-thermo.program');
  expect(`${e.message}: ${String(e.got)}`).toMatch(pattern);
  expect(String(e.got)).toContain(join(dir, program));
  expect(e.fix).toMatch(/memory/);
}

describe('a .wasm device program in a virtual run', () => {
  it('publishes a batch every 15 hal_sleep wakes and no built-in telemetry', async () => {
    writeFileSync(join(dir, 'thermostat.wasm'), await assemble(readFileSync(WAT, 'utf8')));
    const r = await run('thermostat.wasm');
    expect(r.statusReason).toBeNull();
    // booted at 0, wakes every minute: batches at 15, 30, ..., 105 min (120 is the end): 7 each
    expect(c(r, 'mqtt_publish_total')).toBe(50 * 7);
    expect(c(r, 'mqtt_publish_acked_total')).toBe(50 * 7);
    expect(c(r, 'program_flash_writes_total')).toBe(50); // the boot count, once per boot
    expect(c(r, 'program_errors_total')).toBe(0);
  });

  it('runs from a JS program that imports the host as fleetstorm/wasm', async () => {
    const wasm = join(dir, 'thermostat.wasm');
    writeFileSync(wasm, await assemble(readFileSync(WAT, 'utf8')));
    writeFileSync(
      join(dir, 'wrapped.ts'),
      [
        "import { readFileSync } from 'node:fs';",
        "import { wasmDevice } from 'fleetstorm/wasm';",
        `export default wasmDevice(readFileSync(${JSON.stringify(wasm)}), {`,
        '  sensors: { temperature: { normal: { mean: 21, stddev: 0.5 } } },',
        '});',
      ].join('\n'),
    );
    const r = await run('wrapped.ts', 20);
    expect(c(r, 'mqtt_publish_total')).toBe(20 * 7);
    expect(c(r, 'program_errors_total')).toBe(0);
  });

  it('stops before the run when the file is not a WebAssembly module', async () => {
    writeFileSync(join(dir, 'broken.wasm'), 'not wasm at all');
    await expectProgramError('broken.wasm', /not a valid WebAssembly module/);
  });

  it('stops before the run when the module exports no memory or imports what the host lacks', async () => {
    writeFileSync(join(dir, 'nomem.wasm'), await assemble('(module (func (export "wake")))'));
    await expectProgramError('nomem.wasm', /host conventions.*no exported `memory`/);
    writeFileSync(
      join(dir, 'env.wasm'),
      await assemble('(module (import "env" "puts" (func)) (memory (export "memory") 1))'),
    );
    await expectProgramError('env.wasm', /"env"\."puts"/);
  });
});
