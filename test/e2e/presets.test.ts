// target.preset end to end: a scenario breaking an AWS IoT Core quota is refused before anything
// is sent, exit 2, one line naming the quota and where AWS documents it.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function scenarioFile(yaml: string): string {
  const d = mkdtempSync(join(tmpdir(), 'fleetstorm-preset-'));
  dirs.push(d);
  const path = join(d, 'aws.yaml');
  writeFileSync(path, yaml);
  return path;
}

const AWS = (interval: string, speed: number): string => `name: aws-quota
mode: live
duration: 10m
target:
  preset: aws-iot-core
  mqtt: mqtts://broker.staging.test:8883
  resolve: { broker.staging.test: 127.0.0.2 }
live: { speed: ${speed} }
fleet:
  - count: 10
    device:
      name: meter
      extends: gateway
      connectivity: { tls: { cert: 'certs/{id}.pem', key: 'certs/{id}.key' } }
      telemetry: { interval: ${interval}, jitter: 0s }
`;

describe('target.preset aws-iot-core', () => {
  it('exit 2: 200 publishes/s per connection is refused with the quota and its documentation', async () => {
    const path = scenarioFile(AWS('1s', 200));
    const r = await runCli(['run', path, '--quiet']);
    expect(r.code, r.stderr).toBe(2);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('FLEETSTORM_ERR_PLATFORM_QUOTA');
    expect(lines[0]).toContain("AWS IoT Core's quota: 100 publishes per second per connection");
    expect(lines[0]).toContain(
      'https://docs.aws.amazon.com/general/latest/gr/iot-core.html#message-broker-limits',
    );
    expect(lines[0]).toContain('device-types.meter.telemetry.interval');
  });

  it("exit 2: a power-on faster than the account's 500 CONNECT/s is refused from the plan", async () => {
    const yaml = AWS('15m', 1).replace('  - count: 10', '  - count: 20000') + 'power-on: { spread: 10s }\n';
    const r = await runCli(['run', scenarioFile(yaml), '--quiet']);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain("AWS IoT Core's quota: 500 CONNECT per second per account");
    expect(r.stderr).toContain('power-on.spread');
  });

  it('validate refuses it too', async () => {
    const r = await runCli(['validate', scenarioFile(AWS('1s', 200))]);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain('100 publishes per second per connection');
  });
});
