// The wire form of operator commands and replies: what the operator writes the device reads,
// with the id and send time from MQTT 5 user properties when present, and a reply matched by
// its correlation data before its payload.
import { describe, expect, it } from 'vitest';
import {
  COMMAND_PROPERTY,
  commandPayload,
  commandProperties,
  readCommand,
  readReply,
  replyPayload,
} from '../../../src/live/command-wire.js';

describe('command wire', () => {
  it('reads back a command under the type’s name field', () => {
    const body = commandPayload('cmd', 'set-interval', { interval: '5m' }, '0:17', 7.2e9);
    expect(JSON.parse(body.toString())).toEqual({
      cmd: 'set-interval',
      args: { interval: '5m' },
      id: '0:17',
      'sent-at': 7.2e9,
    });
    expect(readCommand(body, undefined, 'cmd')).toEqual({
      name: 'set-interval',
      id: '0:17',
      args: { interval: '5m' },
      sentAtUs: 7.2e9,
    });
    expect(readCommand(body, undefined, 'name')).toBeNull(); // another name field: not a command
    expect(readCommand(Buffer.from('not json'), undefined, 'cmd')).toBeNull();
  });

  it('prefers the MQTT 5 user properties for the id and send time', () => {
    const props = commandProperties('1:3', 42, 'devices/x/cmd/reply');
    expect(props.responseTopic).toBe('devices/x/cmd/reply');
    expect(Buffer.from(props.correlationData ?? []).toString()).toBe('1:3');
    const body = Buffer.from(JSON.stringify({ name: 'reboot' }));
    expect(readCommand(body, props, 'name')).toMatchObject({ id: '1:3', sentAtUs: 42, args: {} });
    expect(props.userProperties).toContainEqual([COMMAND_PROPERTY.sentAt, '42']);
  });

  it('matches a reply by correlation data, else by its payload id', () => {
    const body = replyPayload('2:9', false);
    expect(readReply(body, undefined)).toEqual({ id: '2:9', ok: false });
    expect(readReply(replyPayload('x', true), { correlationData: Buffer.from('2:9') })).toEqual({
      id: '2:9',
      ok: true,
    });
    expect(readReply(Buffer.from('[]'), undefined)).toBeNull();
  });
});
