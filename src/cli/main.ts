// The command line, and THE error boundary: every command returns an exit code; ToolErrors
// print one line (where: what (got …); fix) and exit 2 or 3; anything else is a bug: stack,
// exit 70. Only this file sets process.exitCode.
import yargs, { type Argv } from 'yargs';
import { EXIT, type ExitCode } from '../errors/exit-codes.js';
import { ToolError, isToolError } from '../errors/tool-error.js';
import { replayCommand, resolvedCommand, runCommand, type RunFlags } from './commands/run.js';
import { initCommand, k8sCommand, mergeCommand, renderCommand, validateCommand } from './commands/tools.js';
import { planCommand } from './commands/plan.js';
import { serveCommand } from './commands/serve.js';
import { certsCommand } from './commands/certs.js';
import { calibrateCommand } from './commands/calibrate.js';
import {
  joinDashValues,
  parsePort,
  parseOut,
  parseProcesses,
  rejectRepeated,
  toOverrides,
  type RawRunFlags,
} from './flags.js';
import { err } from './output.js';

function runOptions(y: Argv): Argv {
  return y
    .option('profile', { type: 'string', describe: 'run profile: smoke, ci, nightly, capacity or a path' })
    .option('mode', { type: 'string', describe: 'virtual (modelled backend) or live (real sockets)' })
    .option('devices', { type: 'string', describe: 'total fleet size (groups scaled proportionally)' })
    .option('scale-backend', {
      type: 'boolean',
      describe: 'scale the modelled backend and absolute counts with a resized fleet (a miniature)',
    })
    .option('strict', {
      type: 'boolean',
      describe:
        'refuse (exit 2) a rollout, wave, fault or threshold that falls outside the run or selects no device',
    })
    .option('seed', { type: 'string', describe: 'random seed (same seed ⇒ same virtual-mode report)' })
    .option('duration', { type: 'string', describe: 'virtual duration, e.g. 6h' })
    .option('interval', { type: 'string', describe: 'report interval, e.g. 1m' })
    .option('speed', { type: 'string', describe: 'live mode: virtual seconds per real second, or max' })
    .option('workers', { type: 'string', describe: 'worker threads (0 = one per core)' })
    .option('target-mqtt', {
      type: 'string',
      array: true,
      describe: 'live target broker URL(s): any host name, IPv4 or IPv6 address',
    })
    .option('target-http', { type: 'string', describe: 'live target HTTP base URL' })
    .option('resolve', {
      type: 'string',
      array: true,
      describe: 'NAME:ADDR: connect to ADDR for host NAME without DNS (repeatable; TLS still checks NAME)',
    })
    .option('processes', {
      type: 'string',
      describe: 'live mode: split the fleet over N processes (default: the scenario live.processes)',
    })
    .option('shard', { type: 'string', describe: 'run shard i of N (0-based): i/N' })
    .option('out', { type: 'string', describe: 'report directory (default reports/<time>-<scenario>)' })
    .option('json', { type: 'boolean', default: false, describe: 'machine-readable result on stdout' })
    .option('quiet', { type: 'boolean', default: false, describe: 'no progress output' })
    .option('progress-json', { type: 'boolean', hidden: true })
    .option('html', { type: 'boolean', default: true, describe: 'write report.html (--no-html to skip)' })
    .option('metrics-port', {
      type: 'string',
      describe: 'serve Prometheus /metrics on 127.0.0.1:PORT during the run',
    });
}

function runFlags(a: Record<string, unknown>): RunFlags {
  return {
    profile: a.profile as string | undefined,
    out: parseOut(a.out as string | undefined),
    json: a.json === true,
    quiet: a.quiet === true,
    html: a.html !== false,
    metricsPort: parsePort('metrics-port', a['metrics-port'] as string | undefined),
    processes: parseProcesses(a.processes as string | undefined),
    progressJson: a['progress-json'] === true,
    overrides: toOverrides(a as RawRunFlags),
  };
}

function build(argv: string[], done: (p: Promise<ExitCode>) => void): Argv {
  return (
    yargs(argv)
      .scriptName('fleetstorm')
      .usage('$0 <command> [options]\n\nLoad- and chaos-test IoT backends with fleets of simulated devices.')
      .command('run <scenario>', 'run a scenario file', runOptions, (a) =>
        done(runCommand(a.scenario as string, runFlags(a))),
      )
      .command(
        'plan <scenario>',
        'print the target hosts and the offered-load envelope of a live run, sending nothing',
        runOptions,
        (a) => done(planCommand(a.scenario as string, runFlags(a))),
      )
      .command(
        'replay <report>',
        're-run the resolved scenario and seed recorded in a report.json',
        (y) =>
          runOptions(y).option('allow-secrets', {
            type: 'boolean',
            default: false,
            describe: "read the report's ${env:…}/${file:…} secrets and send them to its target",
          }),
        (a) => done(replayCommand(a.report as string, runFlags(a), a['allow-secrets'] === true)),
      )
      // Internal (no help line): one process of `--processes N`, on a resolved scenario as JSON.
      .command('run-resolved <file>', false, runOptions, (a) =>
        done(resolvedCommand(a.file as string, runFlags(a))),
      )
      .command('validate <files..>', 'check scenario, device type and profile files', {}, (a) =>
        done(validateCommand(a.files as string[])),
      )
      .command(
        'serve',
        'start the embedded backend (MQTT broker + HTTP check-in/OTA), on loopback unless --host',
        (y) =>
          y
            .option('host', { type: 'string', default: '127.0.0.1', describe: 'address to listen on' })
            .option('mqtt-port', { type: 'number', default: 1883 })
            .option('http-port', { type: 'number', default: 8080 })
            .option('rollout', {
              type: 'string',
              describe: "hold this scenario's rollout (waves, failure limit) for every OTA protocol",
            }),
        (a) =>
          done(
            serveCommand({
              host: a.host,
              mqttPort: a['mqtt-port'],
              httpPort: a['http-port'],
              rollout: a.rollout,
            }),
          ),
      )
      .command(
        'report <action> <files..>',
        'render one report.json again, or merge shard reports',
        (y) =>
          y
            .positional('action', { choices: ['render', 'merge'] as const })
            .option('out', { type: 'string', describe: 'output directory' })
            .option('allow-partial', {
              type: 'boolean',
              default: false,
              describe: 'merge with shards missing (a warning in the report instead of exit 2)',
            })
            .option('json', { type: 'boolean', default: false }),
        (a) => {
          const files = a.files as string[];
          done(
            a.action === 'render'
              ? renderCommand(files[0] as string, parseOut(a.out))
              : mergeCommand(files, parseOut(a.out), a.json, a['allow-partial']),
          );
        },
      )
      .command(
        'init',
        'scaffold a scenario and a device type that validate at once',
        (y) =>
          y
            .option('name', { type: 'string', default: 'my-fleet' })
            .option('devices', { type: 'number', default: 10_000 })
            .option('protocol', { choices: ['mqtt', 'http'] as const, default: 'mqtt' as const })
            .option('rollout', { type: 'boolean', default: false })
            .option('mode', { choices: ['virtual', 'live'] as const, default: 'virtual' as const })
            .option('dir', { type: 'string', default: 'scenarios' })
            .option('program', {
              type: 'string',
              describe:
                'also scaffold a typed device program (devices/<name>.ts) and its vitest unit test on one simulated device; optional value: the program name (default: the device type)',
            })
            .option('force', { type: 'boolean', default: false, describe: 'overwrite existing files' }),
        (a) =>
          done(
            initCommand(
              {
                name: a.name,
                devices: a.devices,
                protocol: a.protocol,
                rollout: a.rollout,
                mode: a.mode,
                dir: a.dir,
                ...(a.program === undefined ? {} : { program: a.program }),
              },
              a.force,
            ),
          ),
      )
      .command(
        'certs',
        'write a test CA, a server certificate and one client certificate per device',
        (y) =>
          y
            .option('out', { type: 'string', demandOption: true, describe: 'folder for the PEM files' })
            .option('devices', { type: 'number', describe: 'device certificates to make' })
            .option('scenario', { type: 'string', describe: "make exactly this scenario's fleet ids" })
            .option('cn', {
              type: 'string',
              default: '{id}',
              describe: 'subject CN template ({id} {type} {index})',
            })
            .option('type', { type: 'string', default: 'device', describe: 'device type name in {id}' })
            .option('days', { type: 'number', default: 365 })
            .option('key', { type: 'string', default: 'ec', describe: 'ec (P-256) or rsa (2048)' })
            .option('server-name', { type: 'string', array: true, default: [] as string[] })
            .option('force', { type: 'boolean', default: false, describe: 'replace an existing CA' }),
        (a) =>
          done(
            certsCommand({
              out: a.out,
              devices: a.devices,
              scenario: a.scenario,
              cn: a.cn,
              type: a.type,
              days: a.days,
              key: a.key,
              serverName: a['server-name'],
              force: a.force,
            }),
          ),
      )
      .command(
        'calibrate',
        'probe a live broker (and HTTP API) step by step and fit the modelled backend to it',
        (y) =>
          y
            .option('target-mqtt', {
              type: 'string',
              array: true,
              describe: 'broker URL to probe (repeat for several; connection i goes to URL i mod N)',
            })
            .option('target-http', {
              type: 'string',
              describe: 'HTTP API base URL: check-in and download steps too',
            })
            .option('max-connections', {
              type: 'string',
              describe: 'most sessions held and connects per step (default 5000; one process: < 19000)',
            })
            .option('out', { type: 'string', describe: 'output folder (default calibration-<UTC time>)' })
            .option('scenario', {
              type: 'string',
              describe: 'take the target, credentials, TLS, --resolve and target.limits from this scenario',
            })
            .option('resolve', {
              type: 'string',
              array: true,
              describe: 'NAME:ADDR: connect to ADDR for host NAME without DNS (repeatable)',
            })
            .option('step', { type: 'string', describe: 'length of each probe step (default 3s)' })
            .option('quiet', { type: 'boolean', default: false, describe: 'no progress lines' }),
        (a) =>
          done(
            calibrateCommand({
              targetMqtt: (a['target-mqtt'] as string[] | undefined) ?? [],
              targetHttp: a['target-http'],
              maxConnections: a['max-connections'],
              out: a.out,
              scenario: a.scenario,
              resolve: (a.resolve as string[] | undefined) ?? [],
              step: a.step,
              quiet: a.quiet,
            }),
          ),
      )
      .command(
        'k8s <action> <scenario>',
        'print a Kubernetes Indexed Job running N shards, then a merge Job',
        (y) =>
          y
            .positional('action', { choices: ['render'] as const })
            .option('shards', { type: 'number', demandOption: true })
            .option('image', { type: 'string', demandOption: true })
            .option('profile', { type: 'string' })
            .option('namespace', { type: 'string' })
            .option('out', { type: 'string', describe: 'write to a file instead of stdout' })
            .option('arg', {
              type: 'string',
              array: true,
              default: [] as string[],
              describe: 'extra run flag (repeat)',
            }),
        (a) =>
          done(
            k8sCommand(a.scenario as string, {
              shards: a.shards,
              image: a.image,
              profile: a.profile,
              namespace: a.namespace,
              out: a.out,
              extraArgs: a.arg,
            }),
          ),
      )
      // yargs knows which options are lists (--target-mqtt, --resolve, ...): any other repeated.
      .middleware((a: Record<string, unknown>, ...y: unknown[]) => rejectRepeated(a, arrayOptions(y[0])))
      .demandCommand(1, 'name a command: run, plan, validate, serve, report, replay, init, calibrate or k8s')
      .strict()
      .exitProcess(false)
      .fail((msg, e) => {
        if (e) throw e;
        // yargs writes some messages over several lines; an error is one line.
        const line = msg.replace(/\s*\n\s*/g, ' ').trim();
        throw new ToolError('FLEETSTORM_ERR_CLI_ARGUMENT', line, { fix: 'see fleetstorm --help' });
      })
      .help()
      .version('0.1.0')
  );
}

/** Options declared `array: true` for the command being parsed (not in yargs' typings). */
function arrayOptions(y: unknown): readonly string[] {
  const get = (y as { getOptions?: () => { array?: string[] } }).getOptions;
  return typeof get === 'function' ? (get.call(y).array ?? []) : [];
}

async function dispatch(argv: string[]): Promise<ExitCode> {
  let pending: Promise<ExitCode> | null = null;
  await build(joinDashValues(argv), (p) => (pending = p)).parseAsync();
  return pending ?? EXIT.ok;
}

export async function main(argv: string[]): Promise<void> {
  try {
    process.exitCode = await dispatch(argv);
  } catch (e) {
    if (isToolError(e)) {
      err(e.toLine());
      process.exitCode = e.exitCode;
    } else {
      err('fleetstorm: internal error (a bug), please report it:');
      err(e instanceof Error ? (e.stack ?? e.message) : String(e));
      process.exitCode = EXIT.internal;
    }
  }
}
