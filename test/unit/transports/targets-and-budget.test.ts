import { describe, expect, it } from 'vitest';
import { isToolError } from '../../../src/errors/tool-error.js';
import { isLoopback } from '../../../src/faults/proxy/index.js';
import { assertFdBudget, openFileLimit } from '../../../src/transports/fd-budget.js';
import { parseMqttUrl } from '../../../src/transports/mqtt/index.js';

describe('parseMqttUrl', () => {
  it('reads scheme, host and port with defaults', () => {
    expect(parseMqttUrl('mqtt://127.0.0.1:1999')).toEqual({ host: '127.0.0.1', port: 1999, tls: false });
    expect(parseMqttUrl('mqtts://broker.local')).toEqual({ host: 'broker.local', port: 8883, tls: true });
    expect(parseMqttUrl('tcp://[::1]')).toEqual({ host: '::1', port: 1883, tls: false });
  });

  it('rejects other schemes with TARGET_UNREACHABLE', () => {
    for (const url of ['http://x:1', 'not a url']) {
      try {
        parseMqttUrl(url);
        expect.unreachable();
      } catch (err) {
        expect(isToolError(err) && err.code).toBe('FLEETSTORM_ERR_TARGET_UNREACHABLE');
      }
    }
  });
});

describe('fd budget', () => {
  it('reads the soft open-file limit on Linux', () => {
    const limit = openFileLimit();
    if (process.platform === 'linux') expect(limit).toBeGreaterThan(0);
  });

  it('throws FD_LIMIT when the connections do not fit', () => {
    const limit = openFileLimit();
    if (limit === undefined || !Number.isFinite(limit)) return;
    expect(() => assertFdBudget(10)).not.toThrow();
    try {
      assertFdBudget(limit);
      expect.unreachable();
    } catch (err) {
      expect(isToolError(err) && err.code).toBe('FLEETSTORM_ERR_FD_LIMIT');
    }
  });
});

describe('isLoopback', () => {
  it('accepts loopback names and addresses only', () => {
    for (const host of ['127.0.0.1', '127.1.2.3', 'localhost', '::1', '[::1]', '::ffff:127.0.0.1']) {
      expect(isLoopback(host)).toBe(true);
    }
    for (const host of ['10.0.0.1', '0.0.0.0', 'example.com', '::', '128.0.0.1'])
      expect(isLoopback(host)).toBe(false);
  });
});
