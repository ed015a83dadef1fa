// The Jobs MQTT message schemas held against the machine-readable service model of the Jobs
// data plane (botocore's iot-jobs-data service-2.json): no field the model does not know, the
// same statuses, the same constraints on names and statusDetails.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import {
  errorResponse,
  jobExecution,
  jobExecutionState,
  startNextAccepted,
  startNextRequest,
  updateAccepted,
  updateRequest,
} from '../../../fixtures/specs/aws-iot-jobs/jobs-mqtt.js';
import { JOB_STATUSES, JOBS_ERROR_CODES } from '../../../../src/ota-protocols/aws-jobs/messages.js';

interface Shape {
  type: string;
  members?: Record<string, unknown>;
  enum?: string[];
  pattern?: string;
  min?: number;
  max?: number;
}
const model = JSON.parse(
  readFileSync(
    new URL('../../../fixtures/specs/aws-iot-jobs/iot-jobs-data-service-2.json', import.meta.url),
    'utf8',
  ),
) as { shapes: Record<string, Shape> };
const members = (shape: string): string[] => Object.keys(model.shapes[shape]?.members ?? {});
const keys = (schema: z.ZodObject): string[] => Object.keys(schema.shape);
/** Fields that exist over MQTT only (jobs-mqtt-api.html: "All MQTT API operations have ..."). */
const MQTT_ONLY = ['clientToken', 'timestamp'];

describe('AWS IoT Jobs message schemas against the service model', () => {
  it.each([
    ['JobExecution', jobExecution, 'JobExecution'],
    ['JobExecutionState', jobExecutionState, 'JobExecutionState'],
    ['StartNextPendingJobExecution request', startNextRequest, 'StartNextPendingJobExecutionRequest'],
    ['StartNextPendingJobExecution response', startNextAccepted, 'StartNextPendingJobExecutionResponse'],
    ['UpdateJobExecution request', updateRequest, 'UpdateJobExecutionRequest'],
    ['UpdateJobExecution response', updateAccepted, 'UpdateJobExecutionResponse'],
  ] as const)('%s has no field the model lacks', (_name, schema, shape) => {
    const known = new Set([...members(shape), ...MQTT_ONLY]);
    expect(members(shape).length).toBeGreaterThan(0);
    expect(keys(schema).filter((k) => !known.has(k))).toEqual([]);
  });

  it('JobExecution carries every member of the model', () => {
    expect(members('JobExecution').filter((k) => !keys(jobExecution).includes(k))).toEqual([]);
  });

  it('statuses are the model’s, error codes the documented ones', () => {
    expect([...JOB_STATUSES].sort()).toEqual([...(model.shapes.JobExecutionStatus?.enum ?? [])].sort());
    expect(keys(errorResponse)).toEqual(['code', 'message', 'clientToken', 'timestamp', 'executionState']);
    expect(JOBS_ERROR_CODES).toContain('VersionMismatch');
    expect(JOBS_ERROR_CODES).toContain('TerminalStateReached');
  });

  it('names and statusDetails are constrained as the model says', () => {
    expect(model.shapes.ThingName).toMatchObject({ pattern: '[a-zA-Z0-9:_-]+', min: 1, max: 128 });
    expect(model.shapes.JobId).toMatchObject({ pattern: '[a-zA-Z0-9_-]+', min: 1, max: 64 });
    expect(model.shapes.DetailsKey).toMatchObject({ pattern: '[a-zA-Z0-9:_-]+', min: 1, max: 128 });
    // the 1,024-character limit is the documentation's (StartNextPendingJobExecution), not the model's
    expect(model.shapes.DetailsValue).toMatchObject({ min: 1, pattern: '[^\\p{C}]+' });
    const state = (details: Record<string, string>) =>
      jobExecutionState.safeParse({ status: 'IN_PROGRESS', versionNumber: 2, statusDetails: details })
        .success;
    expect(state({ step: 'downloading' })).toBe(true);
    expect(state({ step: '' })).toBe(false);
    expect(state({ 'bad key': 'x' })).toBe(false);
    expect(state({ step: 'x'.repeat(1025) })).toBe(false);
    expect(state({ step: 'line\nbreak' })).toBe(false);
  });

  it('timestamps are seconds: a value in milliseconds is refused', () => {
    expect(startNextAccepted.safeParse({ timestamp: 1_790_000_000 }).success).toBe(true);
    expect(startNextAccepted.safeParse({ timestamp: 1_790_000_000_000 }).success).toBe(false);
  });
});
