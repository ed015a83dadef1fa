// Commands the docs present as normal use do what they say: the capacity example scales the
// backend with the fleet (without it 2M devices meet a 1.2M-session backend and the run fails),
// the CLI is run as `npx fleetstorm` from a clone, and live mode's serve example does not send the
// run to ports that `serve --mqtt-port 0` never listened on.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const readme = readFileSync('README.md', 'utf8');
const live = readFileSync('docs/live-mode.md', 'utf8');

describe('commands in the docs', () => {
  it('the capacity example resizes the backend with the fleet', () => {
    const lines = readme.split('\n').filter((l) => /reconnect-storm\.yaml --devices 2000000/.test(l));
    expect(lines.length).toBeGreaterThan(0);
    for (const l of lines) expect(l).toContain('--scale-backend');
  });

  it('says how to run the CLI after npm ci', () => {
    expect(readme).toMatch(/After `npm ci` the command is `npx fleetstorm/);
  });

  it('never points a run at :1883 right after serve --mqtt-port 0', () => {
    const blocks = [...live.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1] ?? '');
    for (const b of blocks) {
      if (/serve[^\n]*--mqtt-port 0/.test(b)) expect(b).not.toMatch(/:1883/);
    }
  });
});
