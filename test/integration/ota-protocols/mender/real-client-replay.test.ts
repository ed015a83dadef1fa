// The embedded Mender server answers what Debian's mender-client 3.4 sends as the recorder that
// observed it did (test/fixtures/specs/mender/real-client-3.4-exchanges.json): each recorded
// request is sent again (the auth request re-signed with a fresh RSA key over the same body
// shape, trailing newline included, as Go's json.Encoder writes it) and must get the recorded
// status. The artifact download is left out (its URI is the recorder's).
import { generateKeyPairSync, sign } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { startMenderHarness, type MenderHarness } from './harness.js';

interface Recorded {
  method: string;
  url: string;
  body?: unknown;
  response: number;
}
interface Run {
  what: string;
  requests: Recorded[];
}

const file = new URL('../../../fixtures/specs/mender/real-client-3.4-exchanges.json', import.meta.url);
const runs = (JSON.parse(readFileSync(file, 'utf8')) as { runs: Record<string, Run> }).runs;
const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const pubkey = publicKey.export({ type: 'spki', format: 'pem' }).toString();

let harness: MenderHarness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

async function replay(h: MenderHarness, run: Run): Promise<{ sent: string; got: number; want: number }[]> {
  let token = '';
  const seen: { sent: string; got: number; want: number }[] = [];
  for (const r of run.requests) {
    if (!r.url.startsWith('/api/')) continue;
    let body: string | undefined;
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (r.url.endsWith('/auth_requests')) {
      const rec = r.body as { id_data: string };
      body = `${JSON.stringify({ id_data: rec.id_data, tenant_token: '', pubkey })}\n`;
      headers['x-men-signature'] = sign('sha256', Buffer.from(body), privateKey).toString('base64');
      headers.authorization = 'Bearer ';
    } else {
      headers.authorization = `Bearer ${token}`;
      if (r.body !== undefined) body = JSON.stringify(r.body);
    }
    const res = await fetch(`${h.url}${r.url}`, { method: r.method, headers, ...(body ? { body } : {}) });
    const text = await res.text();
    if (r.url.endsWith('/auth_requests') && res.status === 200) token = text;
    if (r.url.endsWith('/next') && res.status === 200) {
      const ins = JSON.parse(text) as { id: string; artifact: Record<string, unknown> };
      // what the client requires of a deployment (else "Missing parameters in encoded JSON update response")
      expect(ins.id).toBeTypeOf('string');
      expect(ins.artifact).toMatchObject({
        artifact_name: expect.any(String),
        source: { uri: expect.any(String) },
      });
      expect((ins.artifact.device_types_compatible as string[]).length).toBeGreaterThan(0);
    }
    seen.push({ sent: `${r.method} ${r.url}`, got: res.status, want: r.response });
  }
  return seen;
}

const deployment = (version: string) => ({
  id: 'dep-1',
  version,
  sizeBytes: 4096,
  sha256: '',
  path: `/v1/firmware/${version}`,
});

describe("the embedded Mender server against the real client's recorded exchanges", () => {
  it.each(['success-single-file', 'success-with-reboot', 'install-failure', 'already-installed'])(
    '%s: every request gets the status the recorder gave',
    async (name) => {
      const run = runs[name] as Run;
      const installed = name === 'already-installed';
      harness = await startMenderHarness({
        wallMs: () => Date.UTC(2026, 10, 27),
        deployment: deployment(installed ? 'app-1.0' : 'app-2.0'),
      });
      harness.desk.offerInstalled = installed;
      const seen = await replay(harness, run);
      expect(seen.length).toBeGreaterThan(4);
      expect(seen.filter((s) => s.got !== s.want)).toEqual([]);
      expect(harness.server.counters.authAccepted).toBe(
        run.requests.filter((r) => r.url.endsWith('/auth_requests')).length,
      );
    },
  );

  it('a 409 to installing (the deployment aborted on the server) is what the client gets', async () => {
    harness = await startMenderHarness({
      wallMs: () => Date.UTC(2026, 10, 27),
      deployment: deployment('app-2.0'),
    });
    const run = runs['aborted-409'] as Run;
    const h = harness;
    const upTo = run.requests.findIndex((r) => r.response === 409);
    const before = await replay(h, { ...run, requests: run.requests.slice(0, upTo) });
    expect(before.filter((s) => s.got !== s.want)).toEqual([]);
    h.desk.abort('sim-0001');
    const after = await replay(h, {
      ...run,
      requests: run.requests.slice(0, 1).concat(run.requests.slice(upTo, upTo + 1)),
    });
    expect(after.map((s) => s.got)).toEqual([200, 409]);
  });
});
