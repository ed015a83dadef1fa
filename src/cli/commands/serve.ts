// `fleetstorm serve`: the embedded backend (aedes MQTT broker + HTTP check-in/status/firmware
// API) on loopback (or the `--host` given) until SIGINT/SIGTERM, then a clean close. Port 0 picks a free port; the
// bound URLs are printed on stdout (one per line, for scripts) and a note on stderr.
import { startEmbeddedBackend } from '../../backend/embedded.js';
import type { EmbeddedBackendOptions } from '../../backend/types.js';
import { monotonicUs } from '../../clock/real-clock.js';
import { embeddedDesk, protocolMounts } from '../../live/embedded-desk.js';
import { loadScenario } from '../../scenario/index.js';
import { EXIT, type ExitCode } from '../../errors/exit-codes.js';
import { ToolError } from '../../errors/tool-error.js';
import { isLoopbackHost } from '../../live/target-hosts.js';
import { err, out } from '../output.js';

export interface ServeOptions {
  host: string;
  mqttPort: number;
  httpPort: number;
  /** A scenario whose rollout the server holds (its deployment desk, every OTA protocol). */
  rollout?: string | undefined;
}

/**
 * The update server's side of a scenario's rollout: its image, and a deployment desk whose
 * campaign clock starts at the first device check (waves at `start`, `wave-interval` from
 * there, at the scenario's live speed).
 */
async function rolloutOptions(path: string): Promise<{ opts: EmbeddedBackendOptions; note: string }> {
  const s = await loadScenario(path);
  const desk = s.rollout ? await embeddedDesk(s) : null;
  if (!s.rollout || desk === null)
    throw new ToolError('FLEETSTORM_ERR_CLI_ARGUMENT', 'the scenario has no rollout to hold', {
      where: '--rollout',
      got: path,
      fix: 'name a scenario with a rollout section, or leave --rollout out',
    });
  let firstUs: number | null = null;
  desk.setClock(() => {
    firstUs ??= monotonicUs();
    return (monotonicUs() - firstUs) * s.live.speed;
  });
  const r = s.rollout;
  return {
    opts: {
      firmware: [{ version: r.firmware.version, sizeBytes: r.firmware.sizeBytes }],
      ...protocolMounts(desk),
    },
    note: `holding the rollout of ${path} (${r.firmware.version}, ${r.waves.length} waves, seed ${s.seed}); its clock starts at the first device check`,
  };
}

function checkPort(port: number, flag: string): void {
  if (Number.isInteger(port) && port >= 0 && port <= 65535) return;
  throw new ToolError('FLEETSTORM_ERR_CLI_ARGUMENT', 'not a TCP port', {
    where: flag,
    got: String(port),
    fix: 'give 0..65535 (0 = any free port)',
  });
}

function untilSignal(): Promise<string> {
  return new Promise((resolve) => {
    const on = (name: string): void => {
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
      resolve(name);
    };
    const onInt = (): void => on('SIGINT');
    const onTerm = (): void => on('SIGTERM');
    process.on('SIGINT', onInt);
    process.on('SIGTERM', onTerm);
  });
}

export async function serveCommand(o: ServeOptions): Promise<ExitCode> {
  checkPort(o.mqttPort, '--mqtt-port');
  checkPort(o.httpPort, '--http-port');
  // Listening first: a port in use is an error that ends the process, not a wait for Ctrl-C.
  const rollout = o.rollout === undefined ? null : await rolloutOptions(o.rollout);
  const backend = await startEmbeddedBackend({
    host: o.host,
    mqttPort: o.mqttPort,
    httpPort: o.httpPort,
    ...(rollout?.opts ?? {}),
  });
  const signal = untilSignal();
  if (!isLoopbackHost(o.host))
    err(`fleetstorm serve: listening on ${o.host}: other machines can reach it (no authentication)`);
  out(`mqtt: ${backend.mqttUrl}`);
  out(`http: ${backend.httpUrl}`);
  err('fleetstorm serve: embedded backend running; Ctrl-C to stop');
  if (rollout !== null) err(`fleetstorm serve: ${rollout.note}`);
  else
    err(
      'fleetstorm serve: no deployment held (devices are told "no update"); --rollout <scenario> holds its rollout',
    );
  err(
    `  fleetstorm run ${o.rollout ?? 'scenarios/live-quickstart.yaml'} --target-mqtt ${backend.mqttUrl} --target-http ${backend.httpUrl}`,
  );
  const name = await signal;
  err(`fleetstorm serve: ${name}, closing`);
  await backend.close();
  err('fleetstorm serve: closed');
  return EXIT.ok;
}
