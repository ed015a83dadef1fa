// The Kubernetes objects of a sharded run: an Indexed Job whose pod i runs shard i/N and writes
// /reports/shard-i/, then a merge Job that waits for every shard report on the shared claim,
// runs `fleetstorm report merge` and whose exit code is the verdict.
import type { FilledK8sOptions } from './options.js';

export const REPORTS_DIR = '/reports';
export const SCENARIO_DIR = '/scenario';
export const INDEX_ENV = 'JOB_COMPLETION_INDEX';
/** fleetstorm's exit codes that mean "the run finished and wrote its report" (DESIGN §8). */
const REPORT_WRITTEN_CODES = [1, 4];
/** Exit codes no retry can fix: usage/scenario errors (2) and internal errors (70). */
const DETERMINISTIC_FAILURES = [2, 70];
/** uid/gid of the `node` user in the node:20-slim image. */
const NODE_UID = 1000;
const POLL_SEC = 10;

type Obj = Record<string, unknown>;

/** Quotes one word for /bin/sh. */
export function shellQuote(word: string): string {
  return /^[A-Za-z0-9_./:=@%+-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

function metadata(o: FilledK8sOptions, name: string, component: string): Obj {
  return {
    name,
    ...(o.namespace === null ? {} : { namespace: o.namespace }),
    labels: {
      'app.kubernetes.io/name': 'fleetstorm',
      'app.kubernetes.io/instance': o.name,
      'app.kubernetes.io/component': component,
    },
  };
}

export function claimName(o: FilledK8sOptions): string {
  return o.reportsClaim ?? `${o.name}-reports`;
}

export function configMapName(o: FilledK8sOptions): string {
  return `${o.name}-scenario`;
}

/** ConfigMap keys allow [-._a-zA-Z0-9] only; nested paths come back through volume `items`. */
export function configMapKey(path: string): string {
  return path.replace(/\//g, '__').replace(/[^-._a-zA-Z0-9]/g, '_');
}

export function reportsClaim(o: FilledK8sOptions): Obj {
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: metadata(o, claimName(o), 'reports'),
    spec: {
      // Shard pods run on many nodes at once and all write to this volume.
      accessModes: ['ReadWriteMany'],
      ...(o.storageClassName === null ? {} : { storageClassName: o.storageClassName }),
      resources: { requests: { storage: o.storageSize } },
    },
  };
}

export function scenarioConfigMap(o: FilledK8sOptions): Obj {
  const data = Object.fromEntries((o.scenarioFiles ?? []).map((f) => [configMapKey(f.path), f.content]));
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: metadata(o, configMapName(o), 'scenario'), data };
}

function volumes(o: FilledK8sOptions): Obj[] {
  const list: Obj[] = [{ name: 'reports', persistentVolumeClaim: { claimName: claimName(o) } }];
  if (o.scenarioFiles !== null) {
    const items = o.scenarioFiles.map((f) => ({ key: configMapKey(f.path), path: f.path }));
    list.push({ name: 'scenario', configMap: { name: configMapName(o), items } });
  }
  return list;
}

function reportsMount(o: FilledK8sOptions, readOnly: boolean): Obj {
  // subPath: each run gets its own directory on the claim, so a rerun never merges stale shards.
  return { name: 'reports', mountPath: REPORTS_DIR, subPath: o.runId, ...(readOnly ? { readOnly } : {}) };
}

function shardMounts(o: FilledK8sOptions): Obj[] {
  const scenario =
    o.scenarioFiles === null ? [] : [{ name: 'scenario', mountPath: SCENARIO_DIR, readOnly: true }];
  return [reportsMount(o, false), ...scenario];
}

function podSecurity(): Obj {
  return { runAsNonRoot: true, runAsUser: NODE_UID, runAsGroup: NODE_UID, fsGroup: NODE_UID };
}

/** `fleetstorm run` for shard $(JOB_COMPLETION_INDEX) of N; Kubernetes substitutes `$(VAR)`. */
export function shardRunArgs(o: FilledK8sOptions): string[] {
  const index = `$(${INDEX_ENV})`;
  const args = [
    'run',
    o.scenarioPath,
    '--shard',
    `${index}/${o.shards}`,
    '--out',
    `${REPORTS_DIR}/shard-${index}`,
  ];
  if (o.profile !== null) args.push('--profile', o.profile);
  if (/^\d+$/.test(o.cpu) && !o.extraArgs.includes('--workers')) args.push('--workers', o.cpu);
  return [...args, ...o.extraArgs];
}

/**
 * The shard container's script. Exit 1 (thresholds failed) and 4 (abort threshold) still wrote a
 * report: thresholds on one shard's slice of the fleet mean little, the merge judges the whole
 * fleet, so the pod succeeds. Other codes fail the pod (and 2/70 fail the Job at once).
 */
export function shardScript(o: FilledK8sOptions): string {
  const run = ['fleetstorm', ...shardRunArgs(o)].map(shellQuote).join(' ');
  return [
    `${run}; code=$?`,
    `case "$code" in ${REPORT_WRITTEN_CODES.join('|')}) echo "fleetstorm exited $code: report written, the merge step judges the fleet"; exit 0 ;; esac`,
    'exit "$code"',
  ].join('\n');
}

export function shardJob(o: FilledK8sOptions): Obj {
  const workingDir = o.scenarioFiles === null ? {} : { workingDir: SCENARIO_DIR };
  const container = {
    name: 'shard',
    image: o.image,
    command: ['/bin/sh', '-c'],
    args: [shardScript(o)],
    ...workingDir,
    // Set explicitly so `$(JOB_COMPLETION_INDEX)` expands in args on every Kubernetes version.
    env: [
      {
        name: INDEX_ENV,
        valueFrom: {
          fieldRef: { fieldPath: "metadata.annotations['batch.kubernetes.io/job-completion-index']" },
        },
      },
    ],
    // No CPU limit (throttling only slows virtual time down); memory is capped at the request.
    resources: { requests: { cpu: o.cpu, memory: o.memory }, limits: { memory: o.memory } },
    volumeMounts: shardMounts(o),
  };
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: metadata(o, `${o.name}-shards`, 'shard'),
    spec: {
      completionMode: 'Indexed',
      completions: o.shards,
      parallelism: o.shards,
      backoffLimit: o.backoffLimit,
      podFailurePolicy: {
        rules: [
          {
            action: 'FailJob',
            onExitCodes: { containerName: 'shard', operator: 'In', values: DETERMINISTIC_FAILURES },
          },
          { action: 'Ignore', onPodConditions: [{ type: 'DisruptionTarget' }] },
        ],
      },
      template: {
        metadata: {
          labels: {
            'app.kubernetes.io/name': 'fleetstorm',
            'app.kubernetes.io/instance': o.name,
            'app.kubernetes.io/component': 'shard',
          },
        },
        spec: {
          restartPolicy: 'Never',
          securityContext: podSecurity(),
          containers: [container],
          volumes: volumes(o),
        },
      },
    },
  };
}

export function shardReportPaths(o: FilledK8sOptions): string[] {
  return Array.from({ length: o.shards }, (_, i) => `${REPORTS_DIR}/shard-${i}/report.json`);
}

export function waitScript(o: FilledK8sOptions): string {
  const files = shardReportPaths(o).join(' ');
  return `for f in ${files}; do until [ -f "$f" ]; do echo "waiting for $f"; sleep ${POLL_SEC}; done; done`;
}

export function mergeJob(o: FilledK8sOptions): Obj {
  const wait = {
    name: 'wait-for-shards',
    image: o.image,
    command: ['/bin/sh', '-c'],
    args: [waitScript(o)],
    volumeMounts: [reportsMount(o, true)],
  };
  const merge = {
    name: 'merge',
    image: o.image,
    // No shell: the container's exit code is fleetstorm's (0 ok, 1 thresholds failed, 4 aborted).
    command: ['fleetstorm'],
    args: ['report', 'merge', ...shardReportPaths(o), '--out', `${REPORTS_DIR}/merged`],
    volumeMounts: [reportsMount(o, false)],
  };
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: metadata(o, `${o.name}-merge`, 'merge'),
    spec: {
      completions: 1,
      parallelism: 1,
      // The verdict is deterministic: a retry would only repeat it.
      backoffLimit: 0,
      activeDeadlineSeconds: o.mergeTimeoutSec,
      template: {
        metadata: {
          labels: {
            'app.kubernetes.io/name': 'fleetstorm',
            'app.kubernetes.io/instance': o.name,
            'app.kubernetes.io/component': 'merge',
          },
        },
        spec: {
          restartPolicy: 'Never',
          securityContext: podSecurity(),
          initContainers: [wait],
          containers: [merge],
          volumes: volumes(o).filter((v) => v['name'] === 'reports'),
        },
      },
    },
  };
}
