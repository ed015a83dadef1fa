// A device type's `commands` and the scenario's `operations`, parsed → CommandsConfig and
// OperationConfig. Topic templates are compiled here once so a mistake is refused at load time;
// an operation is checked against the device types it can reach (one must answer commands, and a
// telemetry-interval command needs its `interval`). Pure.
import { ToolError } from '../errors/tool-error.js';
import { compileTemplate } from '../identity/template.js';
import type { At } from './resolve-device.js';
import { resolveWho } from './resolve-faults.js';
import type { FaultParsed } from './schema.js';
import type { CommandsParsed, OperationParsed } from './schema-commands.js';
import type { CommandsConfig, DeviceType, MqttProtocol, OperationConfig } from './types.js';
import { parseDurationRangeUs, parseDurationUs, parseRatePerSec, parseRatio } from './units.js';

function invalid(message: string, where: string, got: unknown, fix: string): ToolError {
  return new ToolError('FLEETSTORM_ERR_SCENARIO_INVALID', message, { where, got, fix });
}

export function resolveCommands(
  c: CommandsParsed | undefined,
  protocol: MqttProtocol,
  at: At,
): CommandsConfig | null {
  if (c === undefined) return null;
  compileTemplate(c.topic, at('commands.topic'));
  const written = c['reply-topic'];
  if (written !== undefined) compileTemplate(written, at('commands.reply-topic'));
  return {
    topic: c.topic,
    replyTopic: written ?? `${c.topic}/reply`,
    useResponseTopic: written === undefined && protocol === '5',
    qos: c.qos,
    replyDelayUs: parseDurationRangeUs(c['reply-delay'], at('commands.reply-delay')),
    failureRatio: parseRatio(c.failure, at('commands.failure')),
    nameField: c['name-field'],
    actions: { ...c.actions },
  };
}

/** `args.interval` of a command: a duration (`5m`) or a number of seconds. */
export function commandIntervalUs(args: Record<string, unknown>, where: string): number | null {
  const v = args['interval'];
  if (v === undefined) return null;
  if (typeof v !== 'string' && typeof v !== 'number')
    throw invalid('`interval` must be a duration', where, v, 'write e.g. `interval: 5m`');
  const us = typeof v === 'number' ? v * 1_000_000 : parseDurationUs(v, where);
  if (!(us > 0)) throw invalid('`interval` must be positive', where, v, 'write e.g. `interval: 5m`');
  return us;
}

function resolveOperation(
  o: OperationParsed,
  index: number,
  at: At,
  deviceTypes: Record<string, DeviceType>,
): OperationConfig {
  const path = `operations[${index}]`;
  const names = Object.keys(deviceTypes);
  const asFault = { type: 'power-loss', at: o.at, who: o.who } as FaultParsed;
  const who = resolveWho(asFault, path, at, names);
  if (who.sites) {
    throw invalid(
      'operations reach devices, not sites',
      at(`${path}.who.sites`),
      typeof o.who === 'object' ? o.who.sites : undefined,
      'select by `share`, `count`, `device` or `firmware`; to act on sites use a fault with `who.sites`',
    );
  }
  const reached = (who.deviceTypes ?? names).filter((n) => deviceTypes[n]?.commands);
  if (reached.length === 0) {
    throw invalid(
      'no selected device type answers commands',
      at(`${path}.who`),
      who.deviceTypes ?? names,
      'give the device type a `commands: { topic: "devices/{id}/cmd" }` section',
    );
  }
  const cmd = o.command;
  if (cmd.topic !== undefined) compileTemplate(cmd.topic, at(`${path}.command.topic`));
  const intervalUs = commandIntervalUs(cmd.args, at(`${path}.command.args.interval`));
  const needsInterval = reached.find(
    (n) => deviceTypes[n]?.commands?.actions[cmd.name] === 'telemetry-interval',
  );
  if (needsInterval !== undefined && intervalUs === null) {
    throw invalid(
      `\`${cmd.name}\` changes the telemetry interval of ${needsInterval} devices but has no \`interval\``,
      at(`${path}.command.args`),
      cmd.args,
      'add `args: { interval: 5m }`',
    );
  }
  const ratePerSec = parseRatePerSec(o.rate, at(`${path}.rate`));
  if (!(ratePerSec > 0))
    throw invalid('rate must be positive', at(`${path}.rate`), o.rate, 'use e.g. `2000/s`');
  return {
    id: `op${index}`,
    name: o.name ?? `op${index}`,
    atUs: parseDurationUs(o.at, at(`${path}.at`)),
    command: {
      name: cmd.name,
      args: { ...cmd.args },
      intervalUs,
      topic: cmd.topic ?? null,
      qos: cmd.qos ?? null,
    },
    who,
    ratePerSec,
    timeoutUs: parseDurationUs(o.timeout, at(`${path}.timeout`)),
  };
}

export function resolveOperations(
  operations: readonly OperationParsed[],
  at: At,
  deviceTypes: Record<string, DeviceType>,
): OperationConfig[] {
  return operations.map((o, i) => resolveOperation(o, i, at, deviceTypes));
}
