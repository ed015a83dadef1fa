// Checks DDI exchanges against hawkBit's own OpenAPI document (test/fixtures/specs/hawkbit) with
// openapi-backend. One deviation from the file as fetched, made in memory only: DdiPolling's
// `sleep` has `pattern: "HH:MM:SS"`, a format description in the place of a regular expression
// (taken literally it refuses every real sleep such as `00:05:00`), replaced by `^\d{2,}:\d{2}:\d{2}$`.
import { readFileSync } from 'node:fs';
import { OpenAPIBackend, type Document } from 'openapi-backend';
import type { DdiRequest, DdiResponse, DdiSend } from '../../../src/ota-protocols/hawkbit/ddi-http.js';

/**
 * Answers hawkBit's own server gives that its OpenAPI document does not list, allowed here and
 * counted (`SpecCheck.undocumented`): DdiRootController answers 404 for the deployment base of an
 * action that is being cancelled (`getControllerDeploymentBaseAction`: "isCancelingOrCanceled" →
 * notFound) and for the cancel action of one that is not (`getControllerCancelAction`), while the
 * document lists no 404 for either. A device polling during a server-side abort meets both.
 */
const UNDOCUMENTED: Readonly<Record<string, readonly number[]>> = {
  getControllerDeploymentBaseAction: [404],
  getControllerCancelAction: [404],
};

const SPEC_FILE = new URL('../../fixtures/specs/hawkbit/ddi-openapi.json', import.meta.url);

export interface SpecCheck {
  /** Wraps a sender: every request and its response are validated, problems collected. */
  watch(send: DdiSend): DdiSend;
  /** Validates one exchange; returns its problems. */
  check(req: DdiRequest, res: DdiResponse): string[];
  problems: string[];
  /** Exchanges seen per operationId. */
  seen: Map<string, number>;
  /** Answers the real hawkBit gives but its document omits (UNDOCUMENTED), per `operationId status`. */
  undocumented: Map<string, number>;
}

let loaded: Promise<OpenAPIBackend> | null = null;

async function load(): Promise<OpenAPIBackend> {
  const doc = JSON.parse(readFileSync(SPEC_FILE, 'utf8')) as {
    components: { schemas: { DdiPolling: { properties: { sleep: { pattern: string } } } } };
  };
  doc.components.schemas.DdiPolling.properties.sleep.pattern = '^\\d{2,}:\\d{2}:\\d{2}$';
  const api = new OpenAPIBackend({ definition: doc as unknown as Document, validate: true, quick: false });
  await api.init();
  return api;
}

export async function hawkbitSpec(): Promise<SpecCheck> {
  loaded ??= load();
  const api = await loaded;
  const problems: string[] = [];
  const seen = new Map<string, number>();
  const undocumented = new Map<string, number>();
  const check = (req: DdiRequest, res: DdiResponse): string[] => {
    const url = new URL(req.url);
    const query = Object.fromEntries(url.searchParams);
    const headers =
      req.body === undefined ? req.headers : { ...req.headers, 'content-type': 'application/json' };
    const request = { method: req.method.toLowerCase(), path: url.pathname, headers, query, body: req.body };
    const op = api.matchOperation(request);
    if (op === undefined) return [`${req.method} ${url.pathname}: no operation in the DDI spec`];
    seen.set(op.operationId ?? '?', (seen.get(op.operationId ?? '?') ?? 0) + 1);
    const out: string[] = [];
    const v = api.validateRequest(request, op);
    if (!v.valid) out.push(`${op.operationId} request: ${JSON.stringify(v.errors)}`);
    if (res.status === 0) return out;
    const id = op.operationId ?? '?';
    if (op.responses?.[String(res.status)] === undefined) {
      if (UNDOCUMENTED[id]?.includes(res.status) === true)
        undocumented.set(`${id} ${res.status}`, (undocumented.get(`${id} ${res.status}`) ?? 0) + 1);
      else out.push(`${id}: status ${res.status} is not in the spec`);
    } else if (res.status === 200) {
      const r = api.validateResponse(res.body, op, res.status);
      if (!r.valid) out.push(`${op.operationId} response: ${JSON.stringify(r.errors)}`);
    }
    return out;
  };
  return {
    problems,
    seen,
    undocumented,
    check,
    watch: (send) => async (req) => {
      const res = await send(req);
      problems.push(...check(req, res));
      return res;
    },
  };
}
