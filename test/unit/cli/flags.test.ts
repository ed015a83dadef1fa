import { describe, expect, it } from 'vitest';
import { parseShard, toOverrides } from '../../../src/cli/flags.js';

describe('run flags', () => {
  it('turns flags into overrides', () => {
    expect(
      toOverrides({ devices: '5000', seed: '0', workers: '2', mode: 'live', speed: '60', shard: '1/4' }),
    ).toEqual({
      devices: 5000,
      seed: 0,
      workers: 2,
      mode: 'live',
      speed: 60,
      shard: { index: 1, count: 4 },
    });
    expect(toOverrides({ speed: 'max' }).speed).toBe('max');
  });

  it('names the flag and echoes what was typed', () => {
    expect(() => toOverrides({ devices: 'abc' })).toThrow(
      expect.objectContaining({ where: '--devices', got: 'abc' }),
    );
    expect(() => toOverrides({ devices: '0' })).toThrow(expect.objectContaining({ where: '--devices' }));
    expect(() => toOverrides({ workers: '1.5' })).toThrow(expect.objectContaining({ where: '--workers' }));
    expect(() => toOverrides({ mode: 'turbo' })).toThrow(
      expect.objectContaining({ where: '--mode', got: 'turbo' }),
    );
    expect(() => toOverrides({ speed: '-1' })).toThrow(expect.objectContaining({ where: '--speed' }));
    expect(() => parseShard('4/4')).toThrow(expect.objectContaining({ where: '--shard' }));
    expect(() => parseShard('a/b')).toThrow(expect.objectContaining({ code: 'FLEETSTORM_ERR_CLI_ARGUMENT' }));
  });
});
