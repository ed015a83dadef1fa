// `fleetstorm k8s render`: the manifests that run one scenario as N shards on a cluster and
// gate on the merged verdict (DESIGN §10). Output is multi-document YAML for `kubectl apply -f -`.
//
// Scenario delivery: by default the image is expected to contain the scenario (the fleetstorm
// image ships scenarios/ and profiles/; teams build `FROM fleetstorm` and `COPY` their own), so
// the manifests stay small and the run is pinned to an image digest. Passing `scenarioFiles`
// (the scenario and the device-type files it references) adds a ConfigMap mounted at /scenario
// instead, for trying a scenario without building an image.
import { stringify } from 'yaml';
import { claimName, mergeJob, reportsClaim, scenarioConfigMap, shardJob } from './manifests.js';
import { fillK8sOptions, type FilledK8sOptions, type K8sRenderOptions } from './options.js';

export type { K8sRenderOptions, ScenarioFile } from './options.js';

function header(o: FilledK8sOptions): string {
  const ns = o.namespace === null ? '' : ` -n ${o.namespace}`;
  return [
    `# fleetstorm: ${o.scenarioPath} as ${o.shards} shards (image ${o.image}).`,
    `# Apply:  kubectl apply${ns} -f this.yaml`,
    `# Verdict: job/${o.name}-merge completes (exit 0) or fails (1 thresholds failed, 4 aborted,`,
    `#          or no shard reports within ${o.mergeTimeoutSec}s). Merged report: claim ${claimName(o)},`,
    `#          directory ${o.runId}/merged/. Logs: kubectl logs${ns} job/${o.name}-merge`,
    '',
  ].join('\n');
}

/** The objects, in apply order. */
export function k8sObjects(options: K8sRenderOptions): Record<string, unknown>[] {
  const o = fillK8sOptions(options);
  return [
    ...(o.scenarioFiles === null ? [] : [scenarioConfigMap(o)]),
    ...(o.reportsClaim === null ? [reportsClaim(o)] : []),
    shardJob(o),
    mergeJob(o),
  ];
}

export function renderK8s(options: K8sRenderOptions): string {
  const o = fillK8sOptions(options);
  // lineWidth 0: never fold long shell lines; the scripts must reach the container verbatim.
  const docs = k8sObjects(options).map((obj) => stringify(obj, { lineWidth: 0 }));
  return header(o) + docs.map((d) => `---\n${d}`).join('');
}
