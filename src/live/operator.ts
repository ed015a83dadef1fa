// Live mode, the operator: its own MQTT connection (operator-link.ts) that publishes each
// operation's command to the selected devices of this process and waits for their replies on
// the reply topics (placeholders subscribed as `+`). Which devices and when come from the same
// plan as virtual mode (src/device/operation-plan.ts), so both modes send the same commands in
// the same order; a full in-flight window only delays a send, whose latencies still run from
// its intended time. Replies are matched by command id, so replies meant for another process's
// operator (`--processes`) are ignored; a command without a reply by its timeout is unanswered.
import type { ConnectionOptions as TlsConnectionOptions } from 'node:tls';
import type { Shard } from '../core/shard.js';
import { commandSendAt, type CompiledOperation, type OperationsPlan } from '../device/operation-plan.js';
import { compileTemplate, type DeviceFacts, type DeviceTemplate } from '../identity/template.js';
import { C, H } from '../metrics/catalog.js';
import type { DeviceOutcome } from '../reports/report-types.js';
import type { OperationConfig, ResolvedScenario } from '../scenario/types.js';
import type { PublishProperties, QoS } from '../transports/mqtt/index.js';
import { topicFilter } from './birth-will.js';
import { commandPayload, commandProperties, readReply } from './command-wire.js';
import type { LiveContext } from './context.js';
import { OperatorLink, type Login } from './operator-link.js';
import { OperatorQueue } from './operator-queue.js';

interface Pending {
  atUs: number;
  /** Connection id of the device. */
  id: number;
  op: CompiledOperation;
}

interface TypeWire {
  nameField: string;
  topic: DeviceTemplate;
  reply: DeviceTemplate;
  useResponseTopic: boolean;
}

export class LiveOperator {
  private readonly link: OperatorLink;
  private readonly queues = new Map<CompiledOperation, OperatorQueue>();
  private readonly pending = new Map<string, Pending>();
  private readonly wire: (TypeWire | null)[];
  /** By plan position: the operation's own topic template, or null. */
  private readonly opTopics: (DeviceTemplate | null)[];
  private readonly facts: DeviceFacts = { index: 0, type: '', id: '', shard: 0, run: '', seq: 1 };
  private readonly v5: boolean;
  /** A send waits for the in-flight window; the virtual time of the last tick bounds what is due. */
  private blocked = false;
  private lastTickUs = 0;

  constructor(
    private readonly ctx: LiveContext,
    private readonly s: ResolvedScenario,
    private readonly plan: OperationsPlan,
    typeNames: readonly string[],
    hostAddresses: Readonly<Record<string, string>> = {},
    tls?: TlsConnectionOptions,
  ) {
    this.wire = typeNames.map((name) => {
      const c = s.deviceTypes[name]?.commands ?? null;
      if (c === null) return null;
      const where = `${name}.commands`;
      return {
        nameField: c.nameField,
        topic: compileTemplate(c.topic, `${where}.topic`),
        reply: compileTemplate(c.replyTopic, `${where}.reply-topic`),
        useResponseTopic: c.useResponseTopic,
      };
    });
    this.opTopics = plan.ops.map((op) => {
      const topic = this.config(op).command.topic;
      return topic === null ? null : compileTemplate(topic, `operations[${op.index}].command.topic`);
    });
    this.v5 = typeNames.some(
      (n) => s.deviceTypes[n]?.connectivity.protocol === '5' && s.deviceTypes[n]?.commands,
    );
    const events = {
      message: (p: Buffer, props?: PublishProperties) => this.reply(p, props),
      acked: () => this.acked(),
    };
    this.link = new OperatorLink(
      () => ctx.clock.realNow(),
      this.filters(),
      this.v5,
      events,
      hostAddresses,
      tls,
    );
  }

  private config(op: CompiledOperation): OperationConfig {
    return (this.s.operations ?? [])[op.index] as OperationConfig;
  }

  /** Reply filters of every type that answers commands (placeholders as `+`). */
  filters(): string[] {
    const out = new Set<string>();
    for (const name of Object.keys(this.s.deviceTypes)) {
      const c = this.s.deviceTypes[name]?.commands;
      if (c) out.add(topicFilter(c.replyTopic));
    }
    return [...out];
  }

  /** Connects and subscribes to the replies; false when that did not happen within `waitMs`. */
  start(url: string, clientId: string, login: Login, waitMs = 3_000): Promise<boolean> {
    return this.link.start(url, clientId, login, waitMs);
  }

  /** An ack frees the window: commands held back by it go now, not at the next tick. */
  private acked(): void {
    if (!this.blocked) return;
    this.blocked = false;
    queueMicrotask(() => this.pump(this.lastTickUs));
  }

  /** Commands not yet answered nor timed out. */
  get open(): number {
    return this.pending.size;
  }

  /** Sends what is due before virtual time `vNow` and times out what waited too long. */
  tick(vNow: number): void {
    this.lastTickUs = vNow;
    this.pump(vNow);
  }

  private pump(vNow: number): void {
    for (let k = 0; k < this.plan.ops.length; k++) {
      const op = this.plan.ops[k] as CompiledOperation;
      if (op.atUs >= vNow) break; // by start time
      let q = this.queues.get(op);
      if (!q) {
        q = this.queueOf(op);
        this.queues.set(op, q);
      }
      this.sendDue(op, k, q, vNow);
      this.expire(q, vNow);
    }
  }

  /** The devices of this process that `op` selects, in send order. */
  private queueOf(op: CompiledOperation): OperatorQueue {
    const q = new OperatorQueue();
    for (const sh of this.ctx.shards)
      for (let d = 0; d < sh.st.size; d++) {
        const at = commandSendAt(this.plan, op, sh.st.seed, sh.globalId(d));
        if (at >= 0) q.add(at, this.ctx.idOf(sh, d));
      }
    q.sort();
    return q;
  }

  private sendDue(op: CompiledOperation, k: number, q: OperatorQueue, vNow: number): void {
    while (q.hasDue(vNow)) {
      const id = q.nextId();
      const sh = this.ctx.shardOf(id);
      const d = this.ctx.localOf(sh, id);
      if (inState(sh, d, op) && !this.send(op, k, sh, d, id, q.nextAt())) {
        this.blocked = true; // window full: at the next ack or tick
        return;
      }
      q.advance();
    }
  }

  private send(op: CompiledOperation, k: number, sh: Shard, d: number, id: number, atUs: number): boolean {
    const type = sh.a.type[d] as number;
    const w = this.wire[type];
    if (!w) return true;
    const f = this.factsOf(sh, d);
    const cfg = this.config(op);
    const cid = `${op.index}:${f.index}`;
    const topic = (this.opTopics[k] ?? w.topic)(f);
    const payload = commandPayload(w.nameField, cfg.command.name, cfg.command.args, cid, atUs);
    const props: PublishProperties | undefined = this.v5
      ? commandProperties(cid, atUs, w.useResponseTopic ? w.reply(f) : null)
      : undefined;
    const qos = Math.min(2, op.qos[type] ?? 1) as QoS;
    const intendedUs = this.ctx.clock.realOf(atUs);
    if (!this.link.publish(topic, payload, qos, intendedUs, props)) return false;
    this.ctx.rec.add(C.command_sent_total);
    this.pending.set(cid, { atUs, id, op });
    this.queues.get(op)?.sent(cid);
    return true;
  }

  private expire(q: OperatorQueue, vNow: number): void {
    for (let cid = q.oldestSent(); cid !== null; cid = q.oldestSent()) {
      const p = this.pending.get(cid);
      if (p !== undefined && p.atUs + p.op.timeoutUs >= vNow) return;
      q.dropOldest();
      if (p !== undefined) this.unanswered(cid, p);
    }
  }

  private unanswered(cid: string, p: Pending): void {
    this.pending.delete(cid);
    this.ctx.rec.add(C.command_unanswered_total);
    this.outcome(p, 'command-unanswered');
  }

  private reply(payload: Buffer, props: PublishProperties | undefined): void {
    const r = readReply(payload, props);
    if (r === null) return;
    const p = this.pending.get(r.id);
    if (p === undefined) return; // another process's command, a duplicate, or too late
    this.pending.delete(r.id);
    const rec = this.ctx.rec;
    rec.add(r.ok ? C['command_replied_total{result="ok"}'] : C['command_replied_total{result="error"}']);
    rec.record(
      H.command_reply_duration_us,
      Math.max(0, this.ctx.clock.realNow() - this.ctx.clock.realOf(p.atUs)),
    );
    if (!r.ok) this.outcome(p, 'command-error');
  }

  private outcome(p: Pending, result: 'command-error' | 'command-unanswered'): void {
    const sh = this.ctx.shardOf(p.id);
    const d = this.ctx.localOf(sh, p.id);
    const a = sh.a;
    const trail: DeviceOutcome['trail'] = [{ atUs: p.atUs, event: 'sent' }];
    if (a.cmdAt.length > 0 && a.cmdAt[d] === p.atUs && (a.cmdRecvAt[d] as number) > 0)
      trail.push({ atUs: a.cmdRecvAt[d] as number, event: 'received' });
    const end = Math.max(p.atUs, this.ctx.answerAt());
    trail.push({ atUs: end, event: result === 'command-error' ? 'replied-error' : 'no-reply' });
    const deviceType = this.ctx.typeOf(sh, d).name;
    sh.outcomes.add({ device: sh.globalId(d), deviceType, outcome: result, operation: p.op.name, trail });
  }

  /** The run ends: commands still waiting for a reply are unanswered (sent = replied + unanswered). */
  settleAtEnd(): void {
    for (const [cid, p] of this.pending) this.unanswered(cid, p);
  }

  private factsOf(sh: Shard, d: number): DeviceFacts {
    const f = this.facts;
    const name = this.ctx.typeOf(sh, d).name;
    f.index = sh.globalId(d);
    f.type = name;
    f.id = `${name}-${f.index}`;
    f.shard = sh.st.shard;
    f.run = this.ctx.runTag;
    return f;
  }

  /** Why commands or replies may be missing, for the report's warnings. */
  warnings(): string[] {
    return this.link.warnings();
  }

  close(): void {
    this.link.close();
  }
}

/** `who.state`: is the device in one of the operation's states now (always, without one)? */
function inState(sh: Shard, d: number, op: CompiledOperation): boolean {
  if (op.conn === null || op.ota === null) return true;
  return op.conn[sh.a.conn[d] as number] === true || op.ota[sh.a.ota[d] as number] === true;
}
