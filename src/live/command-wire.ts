// The wire form of operator commands and device replies (live mode), shared by both ends.
// A command is JSON: `{"<name-field>": "<name>", "args": {…}, "id": "<op>:<device>", "sent-at": µs}`
// (`sent-at`: the operator's intended send time, virtual µs since the run start). On MQTT 5 the
// id and send time also travel as user properties and the id as correlation data, so a reply
// can be matched without reading its payload. A reply is `{"id": "…", "result": "ok" | "error"}`.
import type { PublishProperties } from '../transports/mqtt/index.js';

export const COMMAND_PROPERTY = {
  id: 'fleetstorm-command-id',
  sentAt: 'fleetstorm-sent-at',
} as const;

export interface CommandMessage {
  name: string;
  id: string;
  args: Record<string, unknown>;
  /** Intended send time (virtual µs), null when the sender gave none. */
  sentAtUs: number | null;
}

export interface ReplyMessage {
  id: string;
  ok: boolean;
}

function parseObject(payload: Buffer): Record<string, unknown> | null {
  try {
    const v: unknown = JSON.parse(payload.toString('utf8'));
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

function userProperty(props: PublishProperties | undefined, name: string): string | undefined {
  const list = props?.userProperties;
  if (list === undefined) return undefined;
  for (const [k, v] of list) if (k === name) return v;
  return undefined;
}

export function commandPayload(
  nameField: string,
  name: string,
  args: Record<string, unknown>,
  id: string,
  sentAtUs: number,
): Buffer {
  return Buffer.from(JSON.stringify({ [nameField]: name, args, id, 'sent-at': Math.round(sentAtUs) }));
}

export function commandProperties(
  id: string,
  sentAtUs: number,
  responseTopic: string | null,
): PublishProperties {
  const userProperties = [
    [COMMAND_PROPERTY.id, id],
    [COMMAND_PROPERTY.sentAt, String(Math.round(sentAtUs))],
  ] as const;
  return responseTopic === null
    ? { userProperties }
    : { userProperties, responseTopic, correlationData: Buffer.from(id) };
}

/** The command in a PUBLISH, or null when it names no command. */
export function readCommand(
  payload: Buffer,
  props: PublishProperties | undefined,
  nameField: string,
): CommandMessage | null {
  const o = parseObject(payload);
  if (o === null) return null;
  const name = o[nameField];
  if (typeof name !== 'string') return null;
  const id = userProperty(props, COMMAND_PROPERTY.id) ?? (typeof o.id === 'string' ? o.id : '');
  const sentText = userProperty(props, COMMAND_PROPERTY.sentAt);
  const sentAt = sentText !== undefined ? Number(sentText) : o['sent-at'];
  const args = o.args;
  return {
    name,
    id,
    args:
      typeof args === 'object' && args !== null && !Array.isArray(args)
        ? (args as Record<string, unknown>)
        : {},
    sentAtUs: typeof sentAt === 'number' && Number.isFinite(sentAt) ? sentAt : null,
  };
}

export function replyPayload(id: string, ok: boolean): Buffer {
  return Buffer.from(JSON.stringify({ id, result: ok ? 'ok' : 'error' }));
}

/** The reply in a PUBLISH (its id from the correlation data when there is one), or null. */
export function readReply(payload: Buffer, props: PublishProperties | undefined): ReplyMessage | null {
  const o = parseObject(payload);
  const corr = props?.correlationData;
  const id =
    corr !== undefined
      ? Buffer.from(corr).toString('utf8')
      : (userProperty(props, COMMAND_PROPERTY.id) ?? (typeof o?.id === 'string' ? o.id : null));
  if (id === null || o === null) return null;
  return { id, ok: o.result === 'ok' };
}
