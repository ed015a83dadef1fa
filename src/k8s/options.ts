// Options of `fleetstorm k8s render`, their defaults and their checks. Pure: no file access
// (the CLI reads scenario files and passes their contents in `scenarioFiles`).
import { ToolError } from '../errors/tool-error.js';

export interface ScenarioFile {
  /** Path relative to the scenario directory, e.g. `ota.yaml` or `devices/sensor.yaml`. */
  path: string;
  content: string;
}

export interface K8sRenderOptions {
  /** Scenario path as the container sees it: relative to the image's working directory, or to
   * the mounted ConfigMap when `scenarioFiles` is given. */
  scenarioPath: string;
  shards: number;
  image: string;
  profile?: string;
  namespace?: string;
  /** More `fleetstorm run` flags, e.g. `['--devices', '2000000']`. */
  extraArgs?: string[];
  /** Base name of the Jobs, claim and ConfigMap; default `fleetstorm-<scenario file name>`. */
  name?: string;
  /** Ship these files in a ConfigMap instead of relying on scenarios baked into the image. */
  scenarioFiles?: ScenarioFile[];
  /** An existing ReadWriteMany PersistentVolumeClaim for reports; when absent one is created. */
  reportsClaim?: string;
  storageClassName?: string;
  /** Size of the created claim; default `5Gi`. */
  storageSize?: string;
  /** Sub-directory of the claim this run writes to, so reruns never merge stale shards; default the name. */
  runId?: string;
  /** CPU request and memory request/limit per shard pod; default 2 CPUs, 2Gi. A whole CPU
   * count also becomes `--workers` (Node sees the node's cores, not the pod's share). */
  cpu?: string;
  memory?: string;
  /** Failed shard pods the Job retries in total; default one retry per shard. */
  backoffLimit?: number;
  /** How long the merge Job may wait for shard reports and merge, in seconds; default 6 h. */
  mergeTimeoutSec?: number;
}

export interface FilledK8sOptions {
  scenarioPath: string;
  shards: number;
  image: string;
  profile: string | null;
  namespace: string | null;
  extraArgs: string[];
  name: string;
  scenarioFiles: ScenarioFile[] | null;
  reportsClaim: string | null;
  storageClassName: string | null;
  storageSize: string;
  runId: string;
  cpu: string;
  memory: string;
  backoffLimit: number;
  mergeTimeoutSec: number;
}

const MAX_SHARDS = 10_000;
/** Room for the `-shards` / `-merge` suffixes and the pod suffixes inside 63 characters. */
const MAX_NAME_CHARS = 40;
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

function argError(flag: string, message: string, got: unknown, fix: string): ToolError {
  return new ToolError('FLEETSTORM_ERR_CLI_ARGUMENT', message, { where: flag, got, fix });
}

/** A DNS-1123 label from any text: `OTA Rollout.yaml` → `ota-rollout-yaml`. */
export function dnsLabel(text: string, maxChars = MAX_NAME_CHARS): string {
  const label = text
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/-+/g, '-')
    .slice(0, maxChars)
    .replace(/^-+|-+$/g, '');
  return label === '' ? 'fleetstorm' : label;
}

export function defaultName(scenarioPath: string): string {
  const file = scenarioPath.split('/').pop() ?? scenarioPath;
  return dnsLabel(`fleetstorm-${file.replace(/\.(ya?ml|json)$/i, '')}`);
}

function checkRequired(o: K8sRenderOptions): void {
  if (!Number.isInteger(o.shards) || o.shards < 1 || o.shards > MAX_SHARDS) {
    throw argError(
      '--shards',
      `shard count must be a whole number from 1 to ${MAX_SHARDS}`,
      o.shards,
      'pass e.g. `--shards 8`',
    );
  }
  if (o.image.trim() === '' || /\s/.test(o.image)) {
    throw argError(
      '--image',
      'container image must be a non-empty reference without spaces',
      o.image,
      'pass e.g. `--image ghcr.io/acme/fleetstorm:0.1.0`',
    );
  }
  if (o.scenarioPath.trim() === '')
    throw argError('<scenario>', 'scenario path is empty', o.scenarioPath, 'name the scenario file');
  if (o.name !== undefined && (!DNS_LABEL.test(o.name) || o.name.length > MAX_NAME_CHARS)) {
    throw argError(
      '--name',
      `name must be a DNS label (a-z, 0-9, -) of at most ${MAX_NAME_CHARS} characters`,
      o.name,
      'pass e.g. `--name storm-test`',
    );
  }
  if (o.namespace !== undefined && !DNS_LABEL.test(o.namespace)) {
    throw argError(
      '--namespace',
      'namespace must be a DNS label (a-z, 0-9, -)',
      o.namespace,
      'pass e.g. `--namespace load-tests`',
    );
  }
}

export function fillK8sOptions(o: K8sRenderOptions): FilledK8sOptions {
  checkRequired(o);
  const name = o.name ?? defaultName(o.scenarioPath);
  return {
    scenarioPath: o.scenarioPath,
    shards: o.shards,
    image: o.image,
    profile: o.profile ?? null,
    namespace: o.namespace ?? null,
    extraArgs: o.extraArgs ?? [],
    name,
    scenarioFiles: o.scenarioFiles !== undefined && o.scenarioFiles.length > 0 ? o.scenarioFiles : null,
    reportsClaim: o.reportsClaim ?? null,
    storageClassName: o.storageClassName ?? null,
    storageSize: o.storageSize ?? '5Gi',
    runId: o.runId ?? name,
    cpu: o.cpu ?? '2',
    memory: o.memory ?? '2Gi',
    backoffLimit: o.backoffLimit ?? o.shards,
    mergeTimeoutSec: o.mergeTimeoutSec ?? 6 * 3600,
  };
}
