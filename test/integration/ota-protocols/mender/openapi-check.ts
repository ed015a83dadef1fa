// Validates recorded Mender exchanges against the vendor's OpenAPI files (test/fixtures/specs/
// mender): the request (path, query, headers, body) with openapi-backend's validateRequest and
// the response body with validateResponse for its status. A status the spec does not declare
// for the operation is reported too, unless listed in `undeclared`.
import { fileURLToPath } from 'node:url';
import { OpenAPIBackend, type Operation } from 'openapi-backend';
import type { Exchange } from './recording-proxy.js';

const SPEC_DIR = fileURLToPath(new URL('../../../fixtures/specs/mender/', import.meta.url));
const FILES = ['deviceauth', 'deployments', 'inventory'].map((f) => `${SPEC_DIR}${f}/devices_v1.yaml`);

const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i;

export interface SpecFinding {
  exchange: string;
  problem: string;
}

export class MenderSpec {
  private constructor(private readonly apis: OpenAPIBackend[]) {}

  static async load(): Promise<MenderSpec> {
    const apis = FILES.map(
      (definition) =>
        new OpenAPIBackend({
          definition,
          strict: true,
          customizeAjv: (ajv) => {
            ajv.addFormat('date-time', DATE_TIME);
            ajv.addFormat('url', { validate: (s: string) => URL.canParse(s) });
            return ajv;
          },
        }),
    );
    await Promise.all(apis.map((a) => a.init()));
    return new MenderSpec(apis);
  }

  private find(method: string, path: string): { api: OpenAPIBackend; op: Operation } | null {
    for (const api of this.apis) {
      const op = api.matchOperation({ method, path, headers: {} });
      if (op) return { api, op };
    }
    return null;
  }

  /** Problems of one exchange (empty: conforms). */
  check(x: Exchange, undeclared: readonly number[] = []): SpecFinding[] {
    const name = `${x.method} ${x.url} → ${x.status}`;
    const url = new URL(x.url, 'http://x');
    const found = this.find(x.method, url.pathname);
    if (found === null) return [{ exchange: name, problem: 'no such operation in the spec' }];
    const { api, op } = found;
    const problems: string[] = [];
    const text = x.body.toString('utf8');
    const req = api.validateRequest({
      method: x.method,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers: x.headers as Record<string, string>,
      ...(text === '' ? {} : { body: JSON.parse(text) as unknown }),
    });
    if (!req.valid) problems.push(`request: ${JSON.stringify(req.errors)}`);
    const declared = Object.keys(op.responses ?? {});
    if (!declared.includes(String(x.status)) && !undeclared.includes(x.status))
      problems.push(`status ${x.status} not declared (${declared.join(', ')})`);
    else if (declared.includes(String(x.status))) {
      const res = api.validateResponse(this.responseValue(x), op, x.status);
      if (!res.valid) problems.push(`response: ${JSON.stringify(res.errors)}`);
    }
    return problems.map((problem) => ({ exchange: name, problem }));
  }

  /** The response as its content type says: JSON parsed, a JWT as the string it is. */
  private responseValue(x: Exchange): unknown {
    const body = x.responseBody?.toString('utf8') ?? '';
    if (body === '') return undefined;
    const type = String(x.responseHeaders['content-type'] ?? '');
    return type.includes('json') ? JSON.parse(body) : body;
  }
}
