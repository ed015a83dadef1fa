// Loading device programs: a missing file or a module without defineDevice is the user's mistake
// (FLEETSTORM_ERR_PROGRAM) before the run; the instrumented bundle stops a runaway loop even when
// the program catches the error; MQTT filters match as a broker's do.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isToolError } from '../../../src/errors/tool-error.js';
import { threadBudget, RunawayError } from '../../../src/program/budget.js';
import { bundleProgram, importProgram } from '../../../src/program/bundle.js';
import { checkPrograms } from '../../../src/program/load.js';
import { topicMatches } from '../../../src/program/topics.js';
import { resolveScenarioObject } from '../../../src/scenario/index.js';

const FIXTURES = join(import.meta.dirname, '..', '..', 'fixtures', 'programs');

function scenario(program: string) {
  const doc = {
    name: 'program-load',
    duration: '10m',
    fleet: [{ device: { name: 'd', extends: 'gateway', program }, count: 1 }],
  };
  return resolveScenarioObject(doc, 'program-load (in memory)', { env: {}, baseDir: FIXTURES });
}

async function codeOf(p: Promise<unknown> | (() => unknown)): Promise<string> {
  try {
    await (typeof p === 'function' ? p() : p);
  } catch (e) {
    return isToolError(e) ? e.code : `not a ToolError: ${String(e)}`;
  }
  return 'no error';
}

describe('device program loading', () => {
  it('a missing program file is FLEETSTORM_ERR_PROGRAM at load time', async () => {
    expect(await codeOf(scenario('./missing.ts'))).toBe('FLEETSTORM_ERR_PROGRAM');
  });

  it('a module without defineDevice(...) is FLEETSTORM_ERR_PROGRAM before the run', async () => {
    const s = await scenario('./no-define.ts');
    expect(await codeOf(() => checkPrograms(s))).toBe('FLEETSTORM_ERR_PROGRAM');
    const ok = await scenario('./thermostat.ts');
    expect(await codeOf(() => checkPrograms(ok))).toBe('no error');
  });
});

describe('the per-callback budget', () => {
  it('stops a loop that catches the error, and lets a short callback finish', () => {
    const mod = importProgram(bundleProgram(join(FIXTURES, 'runaway.ts'), 'test'), 'test');
    const b = threadBudget();
    const ticks: Record<string, unknown>[] = [];
    const dev = {
      index: 0,
      id: 'd-0',
      publish: (t: string) => ticks.push({ t }),
    } as unknown as Parameters<NonNullable<typeof mod.boot>>[0];
    let interval: (() => void) | undefined;
    const realSetInterval = globalThis.setInterval;
    (globalThis as Record<string, unknown>).setInterval = (fn: () => void) => (interval = fn);
    try {
      mod.boot?.(dev);
    } finally {
      globalThis.setInterval = realSetInterval;
    }
    b.start(20);
    expect(() => interval?.()).toThrow(RunawayError);
    b.stop();
    b.start(20);
    (dev as unknown as { index: number }).index = 1;
    interval?.();
    b.stop();
    expect(ticks).toEqual([{ t: 't/d-0' }]); // the short callback of another device finished
  });
});

describe('topic filters', () => {
  it('match as MQTT does', () => {
    expect(topicMatches('a/+/c', 'a/b/c')).toBe(true);
    expect(topicMatches('a/#', 'a')).toBe(true);
    expect(topicMatches('a/#', 'a/b/c')).toBe(true);
    expect(topicMatches('a/+', 'a/b/c')).toBe(false);
    expect(topicMatches('#', '$SYS/x')).toBe(false);
    expect(topicMatches('a/b', 'a/c')).toBe(false);
  });
});
