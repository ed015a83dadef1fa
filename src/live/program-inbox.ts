// Device programs in live mode: each shard gets its program host (src/program) on the run's real
// wall clock, and the programs' subscriptions ride the devices' own MQTT sessions. A message on a
// topic a programmed device subscribed to becomes a `message` callback at the device's next wake
// (the tick loop runs it on virtual time, never inside the pool's socket callback).
import type { Shard } from '../core/shard.js';
import type { TypeParams } from '../device/params.js';
import { wallClockMs } from '../clock/real-clock.js';
import { attachPrograms } from '../program/attach.js';
import { hasPrograms } from '../program/paths.js';
import { topicMatches } from '../program/topics.js';
import type { ResolvedScenario } from '../scenario/types.js';
import type { LiveContext } from './context.js';
import { INBOX_TOKEN_BASE, type DeviceInbox, type LiveMqtt } from './mqtt-side.js';

/** The subscribe token of program subscriptions (inbox range, apart from commands and jobs). */
export const PROGRAM_TOKEN = INBOX_TOKEN_BASE - 24;

class ProgramInbox implements DeviceInbox {
  constructor(
    private readonly ctx: LiveContext,
    private readonly mqtt: LiveMqtt,
  ) {}

  /** A new session: the program's subscriptions are renewed on it (clean sessions forget them). */
  connected(id: number): void {
    const sh = this.ctx.shardOf(id);
    const filters = sh.programs?.subscriptionsOf(this.ctx.localOf(sh, id)) ?? [];
    if (filters.length > 0) this.mqtt.deviceSubscribe(id, filters, 1, PROGRAM_TOKEN);
  }

  message(id: number, topic: string, payload: Buffer): boolean {
    const sh: Shard = this.ctx.shardOf(id);
    const host = sh.programs;
    if (host === null) return false;
    const d = this.ctx.localOf(sh, id);
    if (!host.subscriptionsOf(d).some((f) => topicMatches(f, topic))) return false;
    host.nowUs = this.ctx.answerAt();
    host.deliverTo(d, topic, new Uint8Array(payload));
    sh.reschedule(d);
    return true;
  }
}

/** Gives every shard its program host and routes the programs' messages (no-op without programs). */
export function attachLivePrograms(
  s: ResolvedScenario,
  shards: readonly Shard[],
  types: TypeParams[],
  ctx: LiveContext,
  mqtt: LiveMqtt,
): void {
  if (!hasPrograms(s)) return;
  const runId = `live-${wallClockMs()}`;
  for (const sh of shards)
    attachPrograms(sh, s, types, { runId, epochMs: wallClockMs(), localDelivery: false });
  mqtt.addInbox(new ProgramInbox(ctx, mqtt));
}
