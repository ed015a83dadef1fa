// Turns one recorded run into the fixture's form: the headers that matter, bodies parsed, the
// token, public key and deployment log shortened, and the idle polls after the deployment
// counted rather than kept.
import type { Recorded } from '../helpers/mender-client/recorder.js';

export interface FixtureRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: unknown;
  response: number;
}

export interface FixtureRun {
  what: string;
  statusSequence: string[];
  requests: FixtureRequest[];
  idlePollsOmitted: number;
}

function authShape(v: string | undefined): string | undefined {
  if (v === undefined) return undefined;
  if (v === 'Bearer') return 'Bearer (empty tenant token)';
  return v.startsWith('Bearer ey') ? 'Bearer <JWT from auth_requests>' : v;
}

function headersOf(r: Recorded): Record<string, string> {
  const h = r.headers;
  const pick: Record<string, string | undefined> = {
    'content-type': h['content-type'],
    'content-length': h['content-length'],
    'transfer-encoding': h['transfer-encoding'],
    authorization: authShape(h.authorization),
    'x-men-signature':
      h['x-men-signature'] === undefined
        ? undefined
        : 'base64 (standard alphabet) RSA PKCS#1 v1.5 SHA-256 over the raw body bytes',
    'user-agent': h['user-agent'],
    range: h.range,
  };
  return Object.fromEntries(Object.entries(pick).filter((e): e is [string, string] => e[1] !== undefined));
}

function bodyOf(r: Recorded): unknown {
  if (r.body === '') return undefined;
  let body: unknown;
  try {
    body = JSON.parse(r.body);
  } catch {
    return r.body;
  }
  if (typeof body !== 'object' || body === null) return body;
  const o = body as Record<string, unknown>;
  if (Array.isArray(o.messages) && r.url.endsWith('/log'))
    return {
      messages: [...o.messages.slice(0, 2), `... ${o.messages.length - 2} more messages of the same shape`],
    };
  if (typeof o.pubkey === 'string')
    return { ...o, pubkey: `${o.pubkey.slice(0, 40)}...(RSA 3072 SPKI PEM, ends with a newline)` };
  return body;
}

export function fixtureRun(what: string, recorded: readonly Recorded[]): FixtureRun {
  const requests: FixtureRequest[] = [];
  let idle = false;
  let idlePollsOmitted = 0;
  for (const r of recorded) {
    const poll = r.url.includes('/deployments/next') || r.url.includes('/inventory/');
    if (poll && idle) {
      idlePollsOmitted++;
      continue;
    }
    const body = bodyOf(r);
    requests.push({
      method: r.method,
      url: r.url,
      headers: headersOf(r),
      ...(body === undefined ? {} : { body }),
      response: r.response,
    });
    // after a status was reported, the first 204 to `next` starts the idle polling
    const reported = recorded.slice(0, recorded.indexOf(r)).some((x) => x.url.endsWith('/status'));
    if (reported && r.url.includes('/deployments/next') && r.response === 204) idle = true;
  }
  const statusSequence = requests
    .filter((r) => r.url.endsWith('/status'))
    .map((r) => (r.body as { status: string }).status);
  return { what, statusSequence, requests, idlePollsOmitted };
}
