// Hostile inputs and signals through bin/fleetstorm (hardening, findings 9, 10, 14): each ends
// in one line and a documented exit code, and nothing waits forever.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

const dirs: string[] = [];
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'fleetstorm-hard-'));
  dirs.push(d);
  return d;
}
const servers: net.Server[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  for (const s of servers.splice(0)) await new Promise((r) => s.close(r));
});

const BOMB = [
  'a: &a ["x","x","x","x","x","x","x","x","x"]',
  'b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]',
  'c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]',
  'd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]',
  'e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]',
].join('\n');

describe('validate', () => {
  it('a YAML alias bomb is one line, and the other files are still reported', async () => {
    const d = tempDir();
    writeFileSync(join(d, 'bomb.yaml'), BOMB);
    const r = await runCli(['validate', join(d, 'bomb.yaml'), 'scenarios/quickstart.yaml']);
    expect(r.code).toBe(2);
    expect(r.stderr).not.toContain('    at ');
    expect(r.stderr).toContain('FLEETSTORM_ERR_SCENARIO_PARSE');
    expect(r.stderr).toContain('billion laughs');
    expect(r.stdout).toContain('ok    scenarios/quickstart.yaml');
    expect(r.stdout).toContain('1 valid, 1 invalid');
  });

  it('deep nesting names the nesting limit', async () => {
    const d = tempDir();
    writeFileSync(join(d, 'deep.yaml'), `a: ${'['.repeat(3000)}${']'.repeat(3000)}\n`);
    const r = await runCli(['validate', join(d, 'deep.yaml')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('nested too deeply');
    expect(r.stderr).not.toContain('indentation');
  });

  it('a FIFO is refused, not read forever', async () => {
    const d = tempDir();
    const fifo = join(d, 'scenario.yaml');
    execFileSync('mkfifo', [fifo]);
    const r = await runCli(['validate', fifo]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('not a regular file');
  });
});

describe('serve', () => {
  it('exits 3 when its port is in use (instead of waiting for a signal)', async () => {
    const holder = net.createServer();
    servers.push(holder);
    await new Promise<void>((r) => holder.listen(0, '127.0.0.1', () => r()));
    const port = (holder.address() as net.AddressInfo).port;
    const r = await runCli(['serve', '--mqtt-port', String(port), '--http-port', '0']);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('FLEETSTORM_ERR_PORT_IN_USE');
  });
});

describe('signals', () => {
  it('a second SIGINT exits at once with 130 (not a SIGKILL)', async () => {
    const out = tempDir();
    let sent = 0;
    const r = await runCli(['run', 'test/fixtures/e2e/long.yaml', '--out', out], {
      onStderr: (chunk, child) => {
        if (sent === 0 && chunk.includes('fleetstorm ')) {
          sent = 1;
          child.kill('SIGINT');
        } else if (sent === 1 && chunk.includes('SIGINT received')) {
          sent = 2;
          child.kill('SIGINT');
        }
      },
    });
    expect(sent).toBe(2);
    expect(r.signal).toBeNull();
    expect(r.code, r.stderr).toBe(130);
  });
});
