import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { isToolError } from '../../../src/errors/tool-error.js';
import { renderK8s, type K8sRenderOptions } from '../../../src/k8s/render.js';

type Doc = Record<string, any>;

function render(options: Partial<K8sRenderOptions> = {}): Doc[] {
  const text = renderK8s({
    scenarioPath: 'scenarios/reconnect-storm.yaml',
    shards: 4,
    image: 'ghcr.io/acme/fleetstorm:0.1.0',
    ...options,
  });
  const docs = parseAllDocuments(text);
  for (const d of docs) expect(d.errors).toEqual([]);
  return docs.map((d) => d.toJS() as Doc).filter((d) => d !== null);
}

function byKind(docs: Doc[], kind: string, component?: string): Doc[] {
  return docs.filter(
    (d) =>
      d['kind'] === kind &&
      (component === undefined || d['metadata'].labels['app.kubernetes.io/component'] === component),
  );
}

function shardJob(docs: Doc[]): Doc {
  return byKind(docs, 'Job', 'shard')[0]!;
}

function mergeJob(docs: Doc[]): Doc {
  return byKind(docs, 'Job', 'merge')[0]!;
}

describe('renderK8s', () => {
  it('emits a claim, an Indexed shard Job and a merge Job, in apply order', () => {
    const docs = render();
    expect(docs.map((d) => d['kind'])).toEqual(['PersistentVolumeClaim', 'Job', 'Job']);
    expect(docs[0]!['spec'].accessModes).toEqual(['ReadWriteMany']);
    expect(docs.map((d) => d['metadata'].name)).toEqual([
      'fleetstorm-reconnect-storm-reports',
      'fleetstorm-reconnect-storm-shards',
      'fleetstorm-reconnect-storm-merge',
    ]);
  });

  it('runs shard $(JOB_COMPLETION_INDEX) of N in an Indexed Job', () => {
    const job = shardJob(render({ profile: 'ci', extraArgs: ['--devices', '2000000'] }));
    expect(job['spec']).toMatchObject({
      completionMode: 'Indexed',
      completions: 4,
      parallelism: 4,
      backoffLimit: 4,
    });
    const pod = job['spec'].template.spec;
    expect(pod.restartPolicy).toBe('Never');
    const c = pod.containers[0];
    expect(c.env).toEqual([
      {
        name: 'JOB_COMPLETION_INDEX',
        valueFrom: {
          fieldRef: { fieldPath: "metadata.annotations['batch.kubernetes.io/job-completion-index']" },
        },
      },
    ]);
    expect(c.command).toEqual(['/bin/sh', '-c']);
    const script: string = c.args[0];
    expect(script).toContain(
      "fleetstorm run scenarios/reconnect-storm.yaml --shard '$(JOB_COMPLETION_INDEX)/4' --out '/reports/shard-$(JOB_COMPLETION_INDEX)' --profile ci --workers 2 --devices 2000000; code=$?",
    );
    expect(script).toMatch(/case "\$code" in 1\|4\).*exit 0 ;; esac\nexit "\$code"$/);
    expect(c.volumeMounts).toEqual([
      { name: 'reports', mountPath: '/reports', subPath: 'fleetstorm-reconnect-storm' },
    ]);
    expect(pod.volumes).toEqual([
      { name: 'reports', persistentVolumeClaim: { claimName: 'fleetstorm-reconnect-storm-reports' } },
    ]);
    expect(job['spec'].podFailurePolicy.rules[0]).toMatchObject({
      action: 'FailJob',
      onExitCodes: { operator: 'In', values: [2, 70] },
    });
  });

  it('merges every shard report once all exist, and gates on the exit code', () => {
    const job = mergeJob(render());
    expect(job['spec']).toMatchObject({ completions: 1, backoffLimit: 0, activeDeadlineSeconds: 21_600 });
    const pod = job['spec'].template.spec;
    expect(pod.restartPolicy).toBe('Never');
    const reports = [0, 1, 2, 3].map((i) => `/reports/shard-${i}/report.json`);
    expect(pod.initContainers[0].args[0]).toContain(`for f in ${reports.join(' ')}; do until [ -f "$f" ]`);
    expect(pod.initContainers[0].volumeMounts[0]).toMatchObject({ mountPath: '/reports', readOnly: true });
    const merge = pod.containers[0];
    expect(merge.command).toEqual(['fleetstorm']);
    expect(merge.args).toEqual(['report', 'merge', ...reports, '--out', '/reports/merged']);
    expect(merge.volumeMounts).toEqual([
      { name: 'reports', mountPath: '/reports', subPath: 'fleetstorm-reconnect-storm' },
    ]);
  });

  it('ships scenario files in a ConfigMap when given, keeping their relative paths', () => {
    const docs = render({
      scenarioPath: 'storm.yaml',
      scenarioFiles: [
        { path: 'storm.yaml', content: 'name: storm\n' },
        { path: 'devices/sensor.yaml', content: 'name: sensor\n' },
      ],
    });
    const cm = byKind(docs, 'ConfigMap')[0]!;
    expect(cm['data']).toEqual({ 'storm.yaml': 'name: storm\n', 'devices__sensor.yaml': 'name: sensor\n' });
    const pod = shardJob(docs)['spec'].template.spec;
    expect(pod.volumes[1]).toEqual({
      name: 'scenario',
      configMap: {
        name: 'fleetstorm-storm-scenario',
        items: [
          { key: 'storm.yaml', path: 'storm.yaml' },
          { key: 'devices__sensor.yaml', path: 'devices/sensor.yaml' },
        ],
      },
    });
    expect(pod.containers[0].workingDir).toBe('/scenario');
    expect(pod.containers[0].volumeMounts[1]).toEqual({
      name: 'scenario',
      mountPath: '/scenario',
      readOnly: true,
    });
    expect(mergeJob(docs)['spec'].template.spec.volumes.map((v: Doc) => v['name'])).toEqual(['reports']);
  });

  it('uses an existing claim, a namespace, a name and a run id when given', () => {
    const docs = render({
      reportsClaim: 'shared-rwx',
      namespace: 'load-tests',
      name: 'nightly',
      runId: 'run-2025-11-23',
      cpu: '4',
      memory: '6Gi',
    });
    expect(byKind(docs, 'PersistentVolumeClaim')).toEqual([]);
    for (const d of docs) expect(d['metadata'].namespace).toBe('load-tests');
    const pod = shardJob(docs)['spec'].template.spec;
    expect(pod.volumes[0].persistentVolumeClaim.claimName).toBe('shared-rwx');
    expect(pod.containers[0].volumeMounts[0].subPath).toBe('run-2025-11-23');
    expect(pod.containers[0].resources).toEqual({
      requests: { cpu: '4', memory: '6Gi' },
      limits: { memory: '6Gi' },
    });
    expect(pod.containers[0].args[0]).toContain('--workers 4');
    expect(mergeJob(docs)['metadata'].name).toBe('nightly-merge');
  });

  it('quotes arguments for the shell', () => {
    const script: string = shardJob(render({ extraArgs: ['--target-mqtt', "mqtt://a b/'x'"] }))['spec']
      .template.spec.containers[0].args[0];
    expect(script).toContain(`--target-mqtt 'mqtt://a b/'\\''x'\\'''`);
  });

  it.each([
    [{ shards: 0 }, '--shards'],
    [{ shards: 2.5 }, '--shards'],
    [{ image: '' }, '--image'],
    [{ name: 'Bad_Name' }, '--name'],
    [{ namespace: 'a.b' }, '--namespace'],
  ])('rejects %j as a usage error', (bad, where) => {
    try {
      render(bad);
      expect.unreachable();
    } catch (e) {
      expect(isToolError(e) && e.code).toBe('FLEETSTORM_ERR_CLI_ARGUMENT');
      expect(isToolError(e) && e.where).toBe(where);
    }
  });
});
