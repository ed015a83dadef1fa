// commands and operations: a device type's `commands` resolve to templates, drawn ranges and an
// effect table; an operation is checked against the device types it reaches.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadScenario } from '../../../src/scenario/index.js';
import { toolErrorOf } from '../../helpers/tool-error.js';

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fs-commands-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const COMMANDS = [
  '      commands:',
  '        topic: devices/{id}/cmd',
  '        reply-delay: 50ms..2s',
  '        failure: 2%',
  '        actions: { reboot: reboot, set-interval: telemetry-interval }',
];

async function scenario(name: string, extra: string[], opts: { protocol?: string; commands?: boolean } = {}) {
  const file = join(dir, `${name}.yaml`);
  const lines = [
    `name: ${name}`,
    'fleet:',
    '  - count: 3',
    '    device:',
    '      name: meter',
    ...(opts.protocol ? [`      connectivity: { protocol: "${opts.protocol}" }`] : []),
    ...(opts.commands === false ? [] : COMMANDS),
    ...extra,
  ];
  await writeFile(file, lines.join('\n'));
  return loadScenario(file, { env: {} });
}

describe('commands', () => {
  it('resolves a device type section with its reply topic defaulted', async () => {
    const s = await scenario('plain', []);
    expect(s.deviceTypes.meter?.commands).toEqual({
      topic: 'devices/{id}/cmd',
      replyTopic: 'devices/{id}/cmd/reply',
      useResponseTopic: false,
      qos: 1,
      replyDelayUs: { min: 50_000, max: 2_000_000 },
      failureRatio: 0.02,
      nameField: 'name',
      actions: { reboot: 'reboot', 'set-interval': 'telemetry-interval' },
    });
    expect(s.operations).toEqual([]);
  });

  it('answers on the response topic with MQTT 5 when no reply topic is written', async () => {
    const s = await scenario('v5', [], { protocol: '5' });
    expect(s.deviceTypes.meter?.commands?.useResponseTopic).toBe(true);
  });

  it('resolves an operation with its interval argument and selector', async () => {
    const s = await scenario('ops', [
      'operations:',
      '  - at: 2h',
      '    name: config-push',
      '    command: { name: set-interval, args: { interval: 5m } }',
      '    who: 20%',
      '    rate: 2k/s',
    ]);
    expect(s.operations?.[0]).toMatchObject({
      id: 'op0',
      name: 'config-push',
      atUs: 7200e6,
      command: { name: 'set-interval', args: { interval: '5m' }, intervalUs: 300e6, topic: null, qos: null },
      who: { ratio: 0.2, count: null },
      ratePerSec: 2000,
      timeoutUs: 30e6,
    });
  });

  it('refuses a telemetry-interval command without its interval, and an operation nobody answers', async () => {
    const noArg = await toolErrorOf(
      scenario('noarg', ['operations:', '  - { at: 1m, command: { name: set-interval } }']),
    );
    expect(noArg.where).toContain('operations[0].command.args');
    const nobody = await toolErrorOf(
      scenario('nobody', ['operations:', '  - { at: 1m, command: { name: reboot } }'], { commands: false }),
    );
    expect(nobody.message).toContain('answers commands');
    expect(nobody.where).toContain('operations[0].who');
  });

  it('refuses an operation that selects sites (commands reach devices)', async () => {
    const bySite = await toolErrorOf(
      scenario('bysite', [
        'sites: { count: 1 }',
        'operations:',
        '  - { at: 1m, command: { name: reboot }, who: { sites: 1 } }',
      ]),
    );
    expect(bySite.message).toContain('not sites');
    expect(bySite.where).toContain('operations[0].who.sites');
  });

  it('refuses a bad command topic placeholder with its path', async () => {
    const bad = await toolErrorOf(
      scenario('badtopic', ['operations:', '  - { at: 1m, command: { name: x, topic: "d/{serial}" } }']),
    );
    expect(bad.where).toContain('operations[0].command.topic');
  });
});
