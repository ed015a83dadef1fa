// The examples in examples/ are documentation people copy: keep them in step with the code.
import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { renderK8s } from '../../../src/k8s/render.js';

describe('examples', () => {
  it('examples/k8s/reconnect-storm-4-shards.yaml is what renderK8s writes today', async () => {
    const file = await readFile('examples/k8s/reconnect-storm-4-shards.yaml', 'utf8');
    const rendered = renderK8s({
      scenarioPath: 'scenarios/reconnect-storm.yaml',
      shards: 4,
      image: 'ghcr.io/acme/fleetstorm:0.1.0',
      profile: 'ci',
      namespace: 'load-tests',
    });
    expect(file).toBe(rendered);
  });

  it('the GitHub Actions example runs every shard, then merges all of them and gates on it', async () => {
    const wf = parse(await readFile('examples/github-actions-sharded.yml', 'utf8')) as Record<string, any>;
    const shard = wf['jobs'].shard;
    const merge = wf['jobs'].merge;
    const shards: number[] = shard.strategy.matrix.shard;
    expect(shards).toEqual(shards.map((_, i) => i));
    expect(shard.strategy['fail-fast']).toBe(false);
    const run = shard.steps.map((s: Record<string, string>) => s['run'] ?? '').join('\n');
    expect(run).toContain('--shard "${{ matrix.shard }}/${{ strategy.job-total }}"');
    const upload = shard.steps.find((s: Record<string, string>) =>
      s['uses']?.startsWith('actions/upload-artifact'),
    );
    expect(upload.with.name).toBe('fleetstorm-shard-${{ matrix.shard }}');
    expect(merge.needs).toBe('shard');
    expect(Number(merge.env.SHARDS)).toBe(shards.length);
    const mergeRun = merge.steps.map((s: Record<string, string>) => s['run'] ?? '').join('\n');
    expect(mergeRun).toContain('report merge "${reports[@]}" --out merged');
    expect(mergeRun).not.toMatch(/\|\|\s*true|set \+e/);
  });
});
