// Records what Debian's real mender-client sends, scenario by scenario, into the fixture
// test/fixtures/specs/mender/real-client-3.4-exchanges.json (read by real-client-notes.md and
// the replay test). Needs mender-client, mender-artifact and a private mount namespace (root):
//   npx tsx test/mender-client/record-exchanges.ts [out.json]
// Takes about three minutes: the dropped-download scenario waits out the client's 60 s resume delay.
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  singleFileArtifact,
  testModuleArtifact,
  type MadeArtifact,
  type TestModuleBehaviour,
} from '../helpers/mender-client/artifact.js';
import {
  menderClientMissing,
  mountNamespaceProblem,
  startMenderDevice,
} from '../helpers/mender-client/device.js';
import { startRecorder, type Recorded, type RecorderMode } from '../helpers/mender-client/recorder.js';
import { fixtureRun, type FixtureRun } from './shape-fixture.js';

const DEVICE_TYPE = 'fleetstorm-sim';
const POLL_SECONDS = 2;
const DEADLINE_MS = 120_000;

interface Scenario {
  what: string;
  mode: RecorderMode;
  artifact: (dir: string) => Promise<MadeArtifact>;
  /** The run is over (then one more poll is kept). */
  over: (requests: Recorded[]) => boolean;
}

const statuses = (rs: Recorded[]): string[] =>
  rs.filter((r) => r.url.endsWith('/status')).map((r) => (JSON.parse(r.body) as { status: string }).status);
const ended = (rs: Recorded[]): boolean =>
  statuses(rs).some((s) => ['success', 'failure', 'already-installed'].includes(s)) &&
  rs.some((r, i) => i > 0 && r.url.includes('/deployments/next') && r.response === 204);

const single = (name: string) => (dir: string) =>
  singleFileArtifact({
    dir,
    name,
    deviceType: DEVICE_TYPE,
    destDir: path.join(dir, 'installed'),
    fileName: 'app.conf',
    content: `hello ${name}\n`,
  });
const moduled = (name: string, behaviour: TestModuleBehaviour) => (dir: string) =>
  testModuleArtifact({ dir, name, deviceType: DEVICE_TYPE, behaviour });

const SCENARIOS: Record<string, Scenario> = {
  'success-single-file': {
    what: 'single-file module (shipped by the package), NeedsArtifactReboot=No',
    mode: 'normal',
    artifact: single('app-2.0'),
    over: ended,
  },
  'success-with-reboot': {
    what: 'test module answering NeedsArtifactReboot=Yes, ArtifactReboot a no-op',
    mode: 'normal',
    artifact: moduled('t-reboot', 'reboot'),
    over: ended,
  },
  'install-failure': {
    what: 'test module failing ArtifactInstall (exit 1)',
    mode: 'normal',
    artifact: moduled('t-fail-install', 'fail-install'),
    over: ended,
  },
  'aborted-409': {
    what: 'server answers 409 to the first {"status":"installing"}',
    mode: 'abort409',
    artifact: moduled('t-ok', 'ok'),
    over: ended,
  },
  'already-installed': {
    what: 'server offers the artifact name the device already runs',
    mode: 'normal',
    artifact: moduled('app-1.0', 'ok'),
    over: ended,
  },
  'v2-and-post-v1-404': {
    what: 'server answers 404 to POST v2 and POST v1 next; the client falls back to GET v1',
    mode: 'v1only',
    artifact: moduled('t-ok', 'ok'),
    over: ended,
  },
  'download-without-content-length': {
    what: 'artifact served chunked (no Content-Length)',
    mode: 'nolength',
    artifact: moduled('t-ok', 'ok'),
    // the client refuses the download and waits to retry: one download is all there is to see
    over: (rs) => rs.some((r) => r.url.startsWith('/download/')) && statuses(rs).length >= 1,
  },
  'download-dropped-resumed': {
    what: 'the first download is cut halfway; the client resumes 60 s later with Range (the recorder answers 206)',
    mode: 'drop',
    artifact: single('app-2.0'),
    over: ended,
  },
};

async function record(name: string, s: Scenario, dir: string): Promise<FixtureRun> {
  const artifact = await s.artifact(dir);
  const recorder = await startRecorder({
    mode: s.mode,
    artifactName: artifact.name,
    artifact: artifact.bytes,
    deviceTypes: [DEVICE_TYPE],
  });
  const device = await startMenderDevice({
    serverUrl: recorder.url,
    deviceType: DEVICE_TYPE,
    artifactName: 'app-1.0',
    identity: { mac: '02:00:00:00:00:01', serial: 'sim-0001' },
    inventory: { os: 'fleetstorm-test', cpu_model: 'virtual' },
    pollSeconds: POLL_SECONDS,
    inventorySeconds: 30,
  });
  const startedMs = Date.now();
  while (!s.over(recorder.requests) && Date.now() - startedMs < DEADLINE_MS)
    await new Promise((r) => setTimeout(r, 250));
  await device.stop();
  await recorder.close();
  if (!s.over(recorder.requests))
    console.error(`${name}: did not finish in ${DEADLINE_MS} ms; kept what was seen`);
  return fixtureRun(s.what, recorder.requests);
}

async function main(): Promise<void> {
  const problem = menderClientMissing() ?? mountNamespaceProblem();
  if (problem !== null) throw new Error(problem);
  const here = path.dirname(fileURLToPath(import.meta.url));
  const out = process.argv[2] ?? path.join(here, '../fixtures/specs/mender/real-client-3.4-exchanges.json');
  const version = (cmd: string): string => execFileSync(cmd, ['--version'], { encoding: 'utf8' }).trim();
  const fixture = {
    client: `mender-client ${version('mender').replace(/\s+runtime: /, ', ')}`,
    artifactTool: version('mender-artifact'),
    recorded: `test/mender-client/record-exchanges.ts on 127.0.0.1, UpdatePollIntervalSeconds ${POLL_SECONDS}, InventoryPollIntervalSeconds 30, RetryPollIntervalSeconds 1`,
    runs: {} as Record<string, FixtureRun>,
  };
  for (const [name, s] of Object.entries(SCENARIOS)) {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'fleetstorm-record-'));
    try {
      fixture.runs[name] = await record(name, s, dir);
      console.error(`${name}: ${fixture.runs[name].statusSequence.join(' > ')}`);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }
  await writeFile(out, `${JSON.stringify(fixture, null, 2)}\n`);
  console.error(`wrote ${out}`);
}

await main();
