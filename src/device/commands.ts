// Operator commands in virtual mode, one slot per device (typed arrays, no objects, no timers): the
// modelled operator publishes the device's command at its send time (operation-plan.ts), the
// modelled broker fans it out (backend.fanout), the device receives it after its one-way latency,
// answers after a drawn delay (an error for the type's failure share, drawn from the device's
// stream), and applies the command's effect (command-effects.ts). A device offline at the send
// misses it with a clean session; with a persistent one (clean-session: false, QoS ≥ 1) the
// broker holds it until the device is back. No reply within the operation's timeout: unanswered.
// A device takes its commands one at a time, in operation order: one sent while the previous is
// still open leaves when that one is settled (its latencies still count from its send time).
import { FLAG } from '../core/shard-layout.js';
import type { Shard } from '../core/shard.js';
import { brokerFanout, brokerIngest } from '../backend-model/model.js';
import { C, CS, H } from '../metrics/catalog.js';
import { nextFloat, nextRange } from '../random/rng.js';
import type { DeviceOutcome } from '../reports/report-types.js';
import { applyCommandEffect, effectRefused } from './command-effects.js';
import { commandSendAt, type CompiledOperation, type OperationsPlan } from './operation-plan.js';
import type { CommandParams, TypeParams } from './params.js';
import { oneWayUs } from './radio.js';

/** What the device's command slot waits for (cmdStage). */
export const STAGE = {
  idle: 0,
  /** The operator's publish (cmdDue = send time). */
  send: 1,
  /** Held in the device's persistent session until it reconnects (cmdDue = timeout). */
  held: 2,
  /** On its way to the device (cmdDue = received). */
  transit: 3,
  /** Received; the device answers ok / error at cmdDue. */
  working: 4,
  failing: 5,
  /** Will get no reply: counted unanswered at cmdDue (the timeout). */
  lost: 6,
} as const;

function opOf(plan: OperationsPlan, sh: Shard, d: number): CompiledOperation {
  return plan.ops[(sh.a.cmdOp[d] as number) - 1] as CompiledOperation;
}

/** Schedules the device's next command from operation `cmdNext` on (or leaves the slot idle). */
export function nextCommand(sh: Shard, d: number, t: number): void {
  const plan = sh.operations;
  const a = sh.a;
  a.cmdStage[d] = STAGE.idle;
  a.cmdDue[d] = Infinity;
  if (!plan) return;
  const gid = sh.globalId(d);
  for (let k = a.cmdNext[d] as number; k < plan.ops.length; k++) {
    const at = commandSendAt(plan, plan.ops[k] as CompiledOperation, sh.st.seed, gid);
    if (at < 0) continue;
    a.cmdOp[d] = k + 1;
    a.cmdNext[d] = k + 1;
    a.cmdAt[d] = at;
    a.cmdStage[d] = STAGE.send;
    a.cmdDue[d] = Math.max(at, t);
    return;
  }
  a.cmdNext[d] = plan.ops.length;
}

/** At init (virtual mode): every device's first command, if an operation selects it. */
export function scheduleCommands(sh: Shard): void {
  if (!sh.operations) return;
  for (let d = 0; d < sh.st.size; d++) {
    sh.a.cmdNext[d] = 0;
    nextCommand(sh, d, 0);
    sh.reschedule(d);
  }
}

/** The device's command slot is due at t. */
export function commandEvent(sh: Shard, d: number, t: number, tp: TypeParams): void {
  const plan = sh.operations;
  if (!plan) return;
  const op = opOf(plan, sh, d);
  switch (sh.a.cmdStage[d] as number) {
    case STAGE.send:
      return send(sh, d, t, tp, op);
    case STAGE.transit:
      return receive(sh, d, t, tp, op);
    case STAGE.working:
    case STAGE.failing:
      return reply(sh, d, t, tp, op);
    case STAGE.held:
    case STAGE.lost:
      return unanswered(sh, d, t, tp, op);
    default:
      return;
  }
}

function inState(sh: Shard, d: number, op: CompiledOperation): boolean {
  if (op.conn === null || op.ota === null) return true;
  return op.conn[sh.a.conn[d] as number] === true || op.ota[sh.a.ota[d] as number] === true;
}

/** The operator publishes the device's command (once per device and operation). */
function send(sh: Shard, d: number, t: number, tp: TypeParams, op: CompiledOperation): void {
  if (!inState(sh, d, op)) return nextCommand(sh, d, t);
  sh.rec.add(C.command_sent_total);
  sh.a.cmdRecvAt[d] = -1;
  deliver(sh, d, t, tp, op);
}

/** The broker delivers to the device's session, holds it for a persistent one, or drops it. */
function deliver(sh: Shard, d: number, t: number, tp: TypeParams, op: CompiledOperation): void {
  const a = sh.a;
  if (a.conn[d] === CS.connected) {
    const out = brokerFanout(sh, d, t);
    // A half-open link swallows it; a full fan-out queue or a down broker loses it.
    if ((a.flags[d] as number) & FLAG.halfOpen || out < 0) return lose(sh, d, t, op);
    a.cmdStage[d] = STAGE.transit;
    a.cmdDue[d] = out + oneWayUs(sh, d, tp);
  } else if (!tp.cleanSession && (op.qos[a.type[d] as number] as number) >= 1) {
    a.cmdStage[d] = STAGE.held;
    a.cmdDue[d] = Math.max(t, (a.cmdAt[d] as number) + op.timeoutUs);
  } else lose(sh, d, t, op);
}

function lose(sh: Shard, d: number, t: number, op: CompiledOperation): void {
  sh.a.cmdStage[d] = STAGE.lost;
  sh.a.cmdDue[d] = Math.max(t, (sh.a.cmdAt[d] as number) + op.timeoutUs);
}

/** The device's session is back (CONNACK): a command held for it is delivered now. */
export function commandsOnConnect(sh: Shard, d: number, t: number, tp: TypeParams): void {
  const plan = sh.operations;
  if (!plan || sh.a.cmdStage[d] !== STAGE.held) return;
  deliver(sh, d, t, tp, opOf(plan, sh, d));
}

function receive(sh: Shard, d: number, t: number, tp: TypeParams, op: CompiledOperation): void {
  const a = sh.a;
  // The link died while it travelled: the broker keeps it for a persistent session.
  if (a.conn[d] !== CS.connected) return deliver(sh, d, t, tp, op);
  const cp = tp.commands as CommandParams;
  sh.rec.add(C.command_received_total);
  sh.rec.record(H.command_fanout_duration_us, t - (a.cmdAt[d] as number));
  a.cmdRecvAt[d] = t;
  const failed = cp.failureRatio > 0 && nextFloat(a.rng, d) < cp.failureRatio;
  const refused = effectRefused(sh, d, op.effects[a.type[d] as number] ?? 0);
  a.cmdStage[d] = failed || refused ? STAGE.failing : STAGE.working;
  a.cmdDue[d] = t + nextRange(a.rng, d, cp.replyDelayMinUs, cp.replyDelayMaxUs);
}

/** The device answers; the operator has the reply when the broker has passed it on. */
function reply(sh: Shard, d: number, t: number, tp: TypeParams, op: CompiledOperation): void {
  const a = sh.a;
  const ok = a.cmdStage[d] === STAGE.working;
  if (a.conn[d] !== CS.connected || (a.flags[d] as number) & FLAG.halfOpen) return lose(sh, d, t, op);
  const ans = brokerIngest(sh, d, t + oneWayUs(sh, d, tp));
  const sentAt = a.cmdAt[d] as number;
  if (ans.status !== 0 || ans.atUs - sentAt > op.timeoutUs) return lose(sh, d, t, op);
  sh.rec.add(ok ? C['command_replied_total{result="ok"}'] : C['command_replied_total{result="error"}']);
  sh.rec.record(H.command_reply_duration_us, ans.atUs - sentAt);
  if (ok) applyCommandEffect(sh, d, t, tp, op.effects[a.type[d] as number] ?? 0, op.intervalUs, op.command);
  else outcome(sh, d, t, tp, op, 'command-error');
  nextCommand(sh, d, t);
}

function unanswered(sh: Shard, d: number, t: number, tp: TypeParams, op: CompiledOperation): void {
  sh.rec.add(C.command_unanswered_total);
  outcome(sh, d, t, tp, op, 'command-unanswered');
  nextCommand(sh, d, t);
}

function outcome(
  sh: Shard,
  d: number,
  t: number,
  tp: TypeParams,
  op: CompiledOperation,
  result: 'command-error' | 'command-unanswered',
): void {
  const a = sh.a;
  const trail: DeviceOutcome['trail'] = [{ atUs: Math.round(a.cmdAt[d] as number), event: 'sent' }];
  const recv = a.cmdRecvAt[d] as number;
  if (recv >= 0) trail.push({ atUs: Math.round(recv), event: 'received' });
  trail.push({ atUs: Math.round(t), event: result === 'command-error' ? 'replied-error' : 'no-reply' });
  sh.outcomes.add({
    device: sh.globalId(d),
    deviceType: tp.name,
    outcome: result,
    operation: op.name,
    trail,
  });
}

/**
 * The run ends: commands sent and still open are unanswered (the operator stops waiting), so
 * sent = replied + unanswered when the run completes.
 */
export function settleCommandsAtEnd(sh: Shard, t: number): void {
  const plan = sh.operations;
  if (!plan) return;
  const a = sh.a;
  for (let d = 0; d < sh.st.size; d++) {
    const stage = a.cmdStage[d] as number;
    if (stage === STAGE.idle || stage === STAGE.send) continue;
    const tp = sh.st.types[a.type[d] as number] as TypeParams;
    sh.rec.add(C.command_unanswered_total);
    outcome(sh, d, t, tp, opOf(plan, sh, d), 'command-unanswered');
    a.cmdStage[d] = STAGE.idle;
    a.cmdDue[d] = Infinity;
    sh.reschedule(d);
  }
}
