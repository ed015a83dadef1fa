// The embedded backend's deployment desk: waves on the campaign's clock, the failure limit
// judged from reports, pause and abort, and the server's view (states, transitions).
import { describe, expect, it } from 'vitest';
import { CampaignDesk } from '../../../src/backend/deployment-desk.js';

const DEP = {
  id: 'd1',
  version: '2.0.0',
  sizeBytes: 1024,
  sha256: 'ab'.repeat(32),
  path: '/v1/firmware/2.0.0',
};

function desk(limit: 'pause' | 'abort' | null, now: { us: number }): CampaignDesk {
  return new CampaignDesk({
    deployment: DEP,
    // dev-0..9 in wave 0, dev-10..19 in wave 1, others not targeted
    waveOf: (d) => {
      const n = Number(d.id.slice(4));
      return n < 10 ? 0 : n < 20 ? 1 : null;
    },
    campaign: {
      startUs: 100,
      targetedPerWave: [10, 10],
      waveIntervalUs: 1000,
      waveWhenDoneRatio: null,
      failureLimit: limit === null ? null : { ratio: 0.2, action: limit },
      minSample: 10,
    },
    nowUs: () => now.us,
  });
}

const dev = (i: number, version = '1.0.0') => ({ id: `dev-${i}`, deviceType: 'gw', version });

describe('CampaignDesk', () => {
  it('offers a wave once it started, never to untargeted devices or ones already on the version', () => {
    const now = { us: 0 };
    const d = desk(null, now);
    expect(d.next(dev(0))).toBeNull(); // before the start
    now.us = 100;
    expect(d.next(dev(0))).toEqual(DEP);
    expect(d.next(dev(10))).toBeNull(); // wave 1 not started
    expect(d.next(dev(25))).toBeNull(); // not targeted
    expect(d.next(dev(1, '2.0.0'))).toBeNull(); // already on it
    now.us = 1100;
    expect(d.next(dev(10))).toEqual(DEP);
    expect(d.states().d1).toMatchObject({ pending: 2, downloading: 0 });
  });

  it('pauses when a wave fails past the limit: offered devices go on, nobody new is offered', () => {
    const now = { us: 100 };
    const d = desk('pause', now);
    for (let i = 0; i < 10; i++) expect(d.next(dev(i))).not.toBeNull();
    for (let i = 0; i < 3; i++) {
      expect(d.report(`dev-${i}`, 'd1', 'downloading')).toBe('ok');
      expect(d.report(`dev-${i}`, 'd1', 'failure', 'rolled-back')).toBe('ok');
    }
    expect(d.campaign.status).toBe('paused');
    now.us = 5000;
    expect(d.next(dev(10))).toBeNull(); // wave 1 never starts
    expect(d.next(dev(5))).toEqual(DEP); // offered before the pause: still served
    expect(d.report('dev-5', 'd1', 'success')).toBe('ok');
    expect(d.report('dev-5', 'd1', 'success')).toBe('ok'); // a repeat changes nothing
    expect(d.states().d1).toMatchObject({ failure: 3, success: 1, pending: 7 }); // dev-10 asked too
    expect(d.transitions().d1).toMatchObject({
      'pending→downloading': 3,
      'downloading→failure': 3,
      'pending→success': 1,
    });
  });

  it('an abort stops every unfinished device: its next report and its next check say so', () => {
    const now = { us: 100 };
    const d = desk(null, now);
    for (let i = 0; i < 3; i++) d.next(dev(i));
    d.report('dev-0', 'd1', 'success');
    d.report('dev-1', 'd1', 'downloading');
    d.abort('stopped');
    expect(d.report('dev-1', 'd1', 'downloaded')).toBe('aborted');
    expect(d.cancelled('dev-2', 'd1')).toBe(true);
    expect(d.cancelled('dev-0', 'd1')).toBe(false); // finished before the abort
    expect(d.next(dev(3))).toBeNull();
    expect(d.report('dev-9', 'd1', 'downloading')).toBe('unknown'); // never offered
    expect(d.report('dev-0', 'other', 'success')).toBe('unknown');
    expect(d.states().d1).toMatchObject({ success: 1, aborted: 2 });
  });
});
