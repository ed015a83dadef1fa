import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { redactText, redactUrl, rememberSecret } from '../../../src/secrets/redact.js';
import { parseSecretRefs, readSecretRef, resolveSecretText } from '../../../src/secrets/refs.js';
import { toolErrorOf } from '../../helpers/tool-error.js';

describe('redactUrl / redactText', () => {
  it.each([
    ['mqtt://user:S3cret@broker:1883', 'mqtt://user:***@broker:1883'],
    ['mqtts://:pw@[::1]:8883/x', 'mqtts://:***@[::1]:8883/x'],
    ['http://a:b@h/p and ws://c:d@h', 'http://a:***@h/p and ws://c:***@h'],
    ['mqtt://127.0.0.1:1883', 'mqtt://127.0.0.1:1883'],
    ['user@example.test', 'user@example.test'],
  ])('%s → %s', (input, want) => {
    expect(redactUrl(input)).toBe(want);
  });

  it('masks remembered secrets in every form (plain, JSON-escaped, URL-encoded)', () => {
    rememberSecret('pa"ss/wörd-123');
    const text = `a pa"ss/wörd-123 b ${JSON.stringify('pa"ss/wörd-123')} c ${encodeURIComponent('pa"ss/wörd-123')}`;
    const out = redactText(text);
    expect(out).not.toContain('wörd');
    expect(out).not.toContain('w%C3%B6rd');
  });

  it('masks tokens by their shape', () => {
    const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl';
    expect(redactText(`password=${jwt};`)).toBe('password=***;');
    expect(redactText('SharedAccessSignature sr=a%2Fb&sig=xyz&se=1')).toBe('SharedAccessSignature ***');
  });

  it('masks a secret that the mask itself would spell again', () => {
    rememberSecret('a***');
    expect(redactText('aa***')).not.toContain('a***');
  });

  it('leaves short values alone (they would mangle text)', () => {
    rememberSecret('ab');
    expect(redactText('about')).toBe('about');
  });
});

describe('secret references', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fs-secret-'));
  writeFileSync(join(dir, 'pw.txt'), 'from-a-file\n');
  const src = { env: { BROKER_PASSWORD: 'from-the-env' }, baseDir: dir };

  it('reads env and files (relative to the scenario folder, final newline dropped)', () => {
    expect(resolveSecretText('${env:BROKER_PASSWORD}:${file:pw.txt}', 'w', src)).toBe(
      'from-the-env:from-a-file',
    );
    expect(redactText('x from-the-env y from-a-file')).toBe('x *** y ***');
  });

  it('refuses a missing variable or file in one line naming the field, without content', async () => {
    const e = await toolErrorOf(() =>
      readSecretRef({ from: 'env', name: 'NOPE_X' }, 'dt.connectivity.password', src),
    );
    expect(e.code).toBe('FLEETSTORM_ERR_SECRET_UNAVAILABLE');
    expect(e.where).toBe('dt.connectivity.password');
    expect(e.fix).toContain('export NOPE_X=');
    const e2 = await toolErrorOf(() => readSecretRef({ from: 'file', path: 'missing.txt' }, 'p', src));
    expect(e2.message).toContain('ENOENT');
    const e3 = await toolErrorOf(() => readSecretRef({ from: 'file', path: '.' }, 'p', src));
    expect(e3.message).toContain('not a regular file');
  });

  it('refuses malformed references at parse time', async () => {
    expect(parseSecretRefs('a${env:X}b', 'w')).toEqual(['a', { from: 'env', name: 'X' }, 'b']);
    for (const bad of ['${env:1X}', '${file:}', '${vault:x}']) {
      const e = await toolErrorOf(() => parseSecretRefs(bad, 'w'));
      expect(e.code).toBe('FLEETSTORM_ERR_SCENARIO_INVALID');
    }
  });
});
