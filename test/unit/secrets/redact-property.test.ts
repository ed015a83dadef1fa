// Properties of the one redaction rule (fast-check; a failure prints its seed and path to replay):
// no remembered secret and no URL password survives redactText, whatever surrounds it.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MIN_SCRUBBED_CHARS, redactText, rememberSecret } from '../../../src/secrets/redact.js';

const RUNS = 300;
const text = fc.string({ maxLength: 40 });

describe('redactText', () => {
  it('masks the password of any URL with user info, as a URL parser reads it', () => {
    const scheme = fc.constantFrom('mqtt', 'mqtts', 'ws', 'wss', 'http', 'https', 'tcp');
    const user = fc.stringMatching(/^[A-Za-z0-9._-]{0,12}$/);
    fc.assert(
      fc.property(scheme, user, fc.string({ minLength: 1, maxLength: 24 }), text, (sch, u, pw, around) => {
        const url = new URL(`${sch}://h.example:1883/`);
        url.username = u;
        url.password = pw;
        const written = url.password; // percent-encoded as the parser keeps it
        const out = redactText(`${around} ${url.href} ${JSON.stringify({ target: url.href })}`);
        expect(out).not.toContain(`:${written}@`);
        expect(out).toContain(':***@h.example'); // runs before any secret is remembered in this file
      }),
      { numRuns: RUNS },
    );
  });

  it('masks every remembered secret, in plain, JSON-escaped and URL-encoded form', () => {
    fc.assert(
      fc.property(fc.string({ minLength: MIN_SCRUBBED_CHARS, maxLength: 30 }), text, text, (secret, a, b) => {
        rememberSecret(secret);
        for (const form of [secret, JSON.stringify(secret).slice(1, -1), encodeURIComponent(secret)]) {
          expect(redactText(`${a}${form}${b}`)).not.toContain(form);
        }
      }),
      { numRuns: RUNS },
    );
  });
});
