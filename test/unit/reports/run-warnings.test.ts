// Warnings a report works out from what happened: a rollout offered but never downloaded is
// said in words, not left as a silent fleet_on_target_ratio of 0%.
import { describe, expect, it } from 'vitest';
import { runWarnings } from '../../../src/reports/run-warnings.js';
import { sampleScenario } from '../../helpers/sample-scenario.js';

const metrics = (counters: Record<string, number>) => ({ counters, histograms: {}, derived: {} });

describe('runWarnings', () => {
  it('says when devices were offered the update and none started a download', () => {
    const scenario = sampleScenario();
    const w = runWarnings({
      scenario,
      faults: [],
      metrics: metrics({ ota_targeted_total: 10, ota_offered_total: 10 }),
      status: 'completed',
    });
    expect(w.join('\n')).toContain(
      `rollout ${scenario.rollout?.firmware.version} was offered to 10 devices and none started a download`,
    );
    const fine = runWarnings({
      scenario,
      faults: [],
      metrics: metrics({ ota_targeted_total: 10, ota_offered_total: 10, ota_download_started_total: 9 }),
      status: 'completed',
    });
    expect(fine.join('\n')).not.toContain('none started a download');
  });
});
