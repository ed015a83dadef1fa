// `fleetstorm serve`: the embedded backend (aedes MQTT broker + HTTP check-in/status/firmware
// API) on loopback (or the `--host` given) until SIGINT/SIGTERM, then a clean close. Port 0 picks a free port; the
// bound URLs are printed on stdout (one per line, for scripts) and a note on stderr.
import { startEmbeddedBackend } from '../../backend/embedded.js';
import { EXIT, type ExitCode } from '../../errors/exit-codes.js';
import { ToolError } from '../../errors/tool-error.js';
import { isLoopbackHost } from '../../live/target-hosts.js';
import { err, out } from '../output.js';

export interface ServeOptions {
  host: string;
  mqttPort: number;
  httpPort: number;
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
  const backend = await startEmbeddedBackend({ host: o.host, mqttPort: o.mqttPort, httpPort: o.httpPort });
  const signal = untilSignal();
  if (!isLoopbackHost(o.host))
    err(`fleetstorm serve: listening on ${o.host}: other machines can reach it (no authentication)`);
  out(`mqtt: ${backend.mqttUrl}`);
  out(`http: ${backend.httpUrl}`);
  err('fleetstorm serve: embedded backend running; Ctrl-C to stop');
  err(
    `  fleetstorm run scenarios/live-quickstart.yaml --target-mqtt ${backend.mqttUrl} --target-http ${backend.httpUrl}`,
  );
  const name = await signal;
  err(`fleetstorm serve: ${name}, closing`);
  await backend.close();
  err('fleetstorm serve: closed');
  return EXIT.ok;
}
