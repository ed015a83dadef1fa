// Live mode, the device's side of commands: a device whose type has `commands` subscribes to its
// command topic (and to any operation's own topic that reaches its type) after every CONNACK,
// answers each command after a delay drawn from its own stream (an error for the failure share,
// or when the effect must be refused now), then applies the command's effect through the same
// functions virtual mode uses (src/device/command-effects.ts). The reply goes to the request's
// MQTT 5 response topic with its correlation data, or to the type's reply topic.
import { realTimers } from '../clock/real-clock.js';
import type { Shard } from '../core/shard.js';
import { applyCommandEffect, effectCode, effectRefused } from '../device/command-effects.js';
import type { TypeParams } from '../device/params.js';
import { compileTemplate, type DeviceFacts, type DeviceTemplate } from '../identity/template.js';
import { C, H } from '../metrics/catalog.js';
import { nextFloat, nextRange } from '../random/rng.js';
import { commandIntervalUs } from '../scenario/resolve-commands.js';
import type { CommandsConfig, ResolvedScenario } from '../scenario/types.js';
import type { PublishProperties, QoS } from '../transports/mqtt/index.js';
import { ToolError } from '../errors/tool-error.js';
import type { LiveContext } from './context.js';
import { INBOX_TOKEN_BASE, type DeviceInbox, type LiveMqtt } from './mqtt-side.js';
import { readCommand, replyPayload, COMMAND_PROPERTY, type CommandMessage } from './command-wire.js';

/** Token of the devices' command subscriptions and replies. */
export const COMMANDS_TOKEN = INBOX_TOKEN_BASE - 8;

interface TypeCommands {
  config: CommandsConfig;
  /** The type's command topic, then the operations' own topics that reach the type. */
  topics: DeviceTemplate[];
  reply: DeviceTemplate;
}

export class DeviceCommands implements DeviceInbox {
  /** By type index: what its devices answer, or null. */
  private readonly byType: (TypeCommands | null)[];
  private readonly facts: DeviceFacts = { index: 0, type: '', id: '', shard: 0, run: '', seq: 1 };
  /** Command subscriptions the broker refused (reported as a warning). */
  refusedSubscriptions = 0;

  constructor(
    private readonly ctx: LiveContext,
    private readonly mqtt: LiveMqtt,
    s: ResolvedScenario,
    typeNames: readonly string[],
  ) {
    this.byType = typeNames.map((name) => {
      const config = s.deviceTypes[name]?.commands ?? null;
      if (config === null) return null;
      const sources = new Set([config.topic]);
      for (const op of s.operations ?? []) {
        const reaches = op.who.deviceTypes === null || op.who.deviceTypes.includes(name);
        if (reaches && op.command.topic !== null) sources.add(op.command.topic);
      }
      const where = `${name}.commands`;
      return {
        config,
        topics: [...sources].map((t) => compileTemplate(t, `${where}.topic`)),
        reply: compileTemplate(config.replyTopic, `${where}.reply-topic`),
      };
    });
  }

  private commandsOf(id: number): { sh: Shard; d: number; tc: TypeCommands | null } {
    const sh = this.ctx.shardOf(id);
    const d = this.ctx.localOf(sh, id);
    return { sh, d, tc: this.byType[sh.a.type[d] as number] ?? null };
  }

  private factsOf(sh: Shard, d: number): DeviceFacts {
    const f = this.facts;
    const tp = this.ctx.typeOf(sh, d);
    f.index = sh.globalId(d);
    f.type = tp.name;
    f.id = `${tp.name}-${f.index}`;
    f.shard = sh.st.shard;
    f.run = this.ctx.runTag;
    return f;
  }

  connected(id: number): void {
    const { sh, d, tc } = this.commandsOf(id);
    if (tc === null) return;
    const f = this.factsOf(sh, d);
    const filters = tc.topics.map((t) => t(f));
    this.mqtt.deviceSubscribe(id, filters, Math.min(2, tc.config.qos) as QoS, COMMANDS_TOKEN);
  }

  subscribed(_id: number, token: number, granted: number): void {
    if (token === COMMANDS_TOKEN && (granted < 0 || granted >= 0x80)) this.refusedSubscriptions++;
  }

  message(id: number, topic: string, payload: Buffer, _qos: QoS, props?: PublishProperties): boolean {
    const { sh, d, tc } = this.commandsOf(id);
    if (tc === null) return false;
    const f = this.factsOf(sh, d);
    if (!tc.topics.some((t) => t(f) === topic)) return false;
    const cmd = readCommand(payload, props, tc.config.nameField);
    if (cmd === null) return true; // not a command this device can read: no answer
    this.receive(sh, d, id, tc, cmd, props);
    return true;
  }

  private receive(
    sh: Shard,
    d: number,
    id: number,
    tc: TypeCommands,
    cmd: CommandMessage,
    props: PublishProperties | undefined,
  ): void {
    const a = sh.a;
    const now = this.ctx.answerAt();
    sh.rec.add(C.command_received_total);
    if (cmd.sentAtUs !== null) {
      sh.rec.record(
        H.command_fanout_duration_us,
        Math.max(0, this.ctx.clock.realNow() - this.ctx.clock.realOf(cmd.sentAtUs)),
      );
      if (a.cmdAt.length > 0) {
        a.cmdAt[d] = cmd.sentAtUs;
        a.cmdRecvAt[d] = now;
      }
    }
    const c = tc.config;
    const effect = effectCode(c.actions[cmd.name]);
    const failed = c.failureRatio > 0 && nextFloat(a.rng, d) < c.failureRatio;
    const intervalUs = intervalOf(cmd);
    const ok = !failed && !effectRefused(sh, d, effect) && intervalUs !== undefined;
    const delayUs = nextRange(a.rng, d, c.replyDelayUs.min, c.replyDelayUs.max);
    const topic = (c.useResponseTopic ? props?.responseTopic : undefined) ?? tc.reply(this.factsOf(sh, d));
    const answer = (): void => {
      if (this.ctx.closing) return;
      const tp = this.ctx.typeOf(sh, d);
      if (!this.reply(id, topic, cmd, ok, c, props)) return;
      if (ok) this.apply(sh, d, tp, effect, intervalUs ?? null, cmd);
    };
    // The device's own work runs on virtual time, like its other behaviours; never inside the
    // pool's callback (a reboot ends the session).
    const delayMs = delayUs / this.ctx.clock.speed / 1000;
    if (delayMs < 0.5) queueMicrotask(answer);
    else realTimers.setTimeout(answer, delayMs).unref?.();
  }

  private reply(
    id: number,
    topic: string,
    cmd: CommandMessage,
    ok: boolean,
    c: CommandsConfig,
    props: PublishProperties | undefined,
  ): boolean {
    const v5: PublishProperties | undefined =
      props === undefined
        ? undefined
        : {
            ...(props.correlationData ? { correlationData: props.correlationData } : {}),
            userProperties: [[COMMAND_PROPERTY.id, cmd.id]],
          };
    const body = replyPayload(cmd.id, ok);
    return this.mqtt.devicePublish(id, topic, body, Math.min(2, c.qos) as QoS, COMMANDS_TOKEN, v5);
  }

  /** The accepted command changes the device now (after its reply left). */
  private apply(
    sh: Shard,
    d: number,
    tp: TypeParams,
    effect: ReturnType<typeof effectCode>,
    intervalUs: number | null,
    cmd: CommandMessage,
  ): void {
    const now = this.ctx.answerAt();
    if (sh.programs !== null) sh.programs.nowUs = now; // the program's command hook runs now
    applyCommandEffect(sh, d, now, tp, effect, intervalUs, cmd);
    sh.reschedule(d);
  }
}

/** The command's `args.interval` in µs, null without one, undefined when it cannot be read. */
function intervalOf(cmd: CommandMessage): number | null | undefined {
  try {
    return commandIntervalUs(cmd.args, 'command');
  } catch (e) {
    if (e instanceof ToolError) return undefined;
    throw e;
  }
}
