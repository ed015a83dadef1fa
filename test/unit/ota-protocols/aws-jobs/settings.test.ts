// `ota.aws-jobs` resolved: defaults, the step timeout in whole minutes within Jobs' 1..10080,
// the reply timeout, and a bad thing-name template refused at load with the field's path.
import { describe, expect, it } from 'vitest';
import { resolveScenarioObject } from '../../../../src/scenario/index.js';
import { toolErrorOf } from '../../../helpers/tool-error.js';

function scenario(awsJobs: Record<string, unknown> | undefined) {
  const ota = { protocol: 'aws-iot-jobs', ...(awsJobs ? { 'aws-jobs': awsJobs } : {}) };
  const doc = {
    name: 'jobs-settings',
    duration: '1h',
    fleet: [{ device: { name: 'jobs-gw', extends: 'gateway', ota }, count: 10 }],
  };
  return resolveScenarioObject(doc, 'jobs-settings (in memory)', { env: {}, overrides: {} });
}

const settingsOf = async (awsJobs?: Record<string, unknown>) =>
  Object.values((await scenario(awsJobs)).deviceTypes).find((t) => t.name === 'jobs-gw')?.ota.awsJobs;

describe('ota.aws-jobs settings', () => {
  it('defaults: the thing is the device id, a 60-minute step, replies within 10 s', async () => {
    expect(await settingsOf()).toEqual({ thingName: '{id}', stepTimeoutMinutes: 60, replyTimeoutMs: 10_000 });
    expect(
      await settingsOf({ 'thing-name': 'gw-{index:06}', 'step-timeout': '2h', 'reply-timeout': '1500ms' }),
    ).toEqual({
      thingName: 'gw-{index:06}',
      stepTimeoutMinutes: 120,
      replyTimeoutMs: 1500,
    });
  });

  it.each([
    [{ 'step-timeout': '90s' }, 'step-timeout'],
    [{ 'step-timeout': '8d' }, 'step-timeout'],
    [{ 'thing-name': 'gw-{serial}' }, 'thing-name'],
  ])('refuses %j at load, naming the field', async (awsJobs, field) => {
    const e = await toolErrorOf(scenario(awsJobs));
    expect(e.code).toBe('FLEETSTORM_ERR_SCENARIO_INVALID');
    expect(e.where).toContain(`ota.aws-jobs.${field}`);
  });
});
