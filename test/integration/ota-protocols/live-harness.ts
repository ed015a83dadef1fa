// One live run of an update protocol against the embedded backend, on the campaign desk of the
// scenario's own rollout: the desk built from the scenario (placeholder targets), the protocol's
// server side mounted on the backend (HTTP routes or broker services), an optional front (a
// recording proxy) as the HTTP target, the desk's waves on the run's time, and the backend and
// front closed when the test finishes.
import { onTestFinished } from 'vitest';
import { runLive } from '../../../src/app/live-engine.js';
import type { CampaignDesk } from '../../../src/backend/deployment-desk.js';
import { startEmbeddedBackend } from '../../../src/backend/embedded.js';
import type { EmbeddedBackend, EmbeddedBackendOptions } from '../../../src/backend/types.js';
import { monotonicUs } from '../../../src/clock/real-clock.js';
import { embeddedDesk } from '../../../src/live/embedded-desk.js';
import { resolveScenarioObject } from '../../../src/scenario/index.js';

export interface ProtocolLiveRun<F extends { url: string; close(): Promise<void> }> {
  /** Names the in-memory scenario in messages. */
  label: string;
  /** `live.speed` of the scenario: the desk's clock runs this many times the wall clock. */
  speed: number;
  /** The scenario document for the given target URLs. */
  doc: (mqtt: string, http: string) => Record<string, unknown>;
  /** The protocol's server side on the desk; `nowUs` is the run's time, as the desk sees it. */
  serve: (
    desk: CampaignDesk,
    nowUs: () => number,
  ) => Pick<EmbeddedBackendOptions, 'routes' | 'brokerServices'>;
  /** In front of the backend's HTTP side; its url becomes the scenario's HTTP target. */
  front?: (httpUrl: string) => Promise<F>;
}

/** Runs the scenario live; the backend and the front are closed when the test finishes. */
export async function runProtocolLive<F extends { url: string; close(): Promise<void> }>(
  run: ProtocolLiveRun<F>,
) {
  const closers: (() => Promise<void>)[] = [];
  onTestFinished(async () => {
    for (const c of closers.splice(0).reverse()) await c();
  });
  const resolve = (mqtt: string, http: string) =>
    resolveScenarioObject(run.doc(mqtt, http), `${run.label} (in memory)`, { env: {}, overrides: {} });
  const desk = await embeddedDesk(await resolve('mqtt://127.0.0.1:1', 'http://127.0.0.1:1'));
  if (desk === null) throw new Error('the scenario has no rollout');
  let t0 = monotonicUs();
  const nowUs = (): number => (monotonicUs() - t0) * run.speed;
  const backend: EmbeddedBackend = await startEmbeddedBackend({
    host: '127.0.0.1',
    mqttPort: 0,
    httpPort: 0,
    firmware: [{ version: desk.deployment.version, sizeBytes: desk.deployment.sizeBytes }],
    ...run.serve(desk, nowUs),
  });
  closers.push(() => backend.close());
  const front = run.front ? await run.front(backend.httpUrl) : null;
  if (front) closers.push(() => front.close());
  const s = await resolve(backend.mqttUrl, front ? front.url : backend.httpUrl);
  t0 = monotonicUs();
  desk.setClock(nowUs); // the server's waves on the run's time
  const r = await runLive(s, { workers: 1 });
  return { r, desk, backend, front };
}
