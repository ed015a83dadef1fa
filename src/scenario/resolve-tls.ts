// `target.tls` and `connectivity.tls` as written → TargetTls / DeviceTls: file paths kept as
// written (relative to the scenario file, read at run time by src/live/tls-files.ts), templates
// checked now so a typo fails at load time.
import { ToolError } from '../errors/tool-error.js';
import { compileTemplate } from '../identity/template.js';
import type { At } from './resolve-device.js';
import type { deviceTlsSchema, targetTlsSchema } from './schema-tls.js';
import type { DeviceTls, TargetTls } from './types.js';
import type * as z from 'zod';

type TargetTlsParsed = z.output<typeof targetTlsSchema>;
type DeviceTlsParsed = z.output<typeof deviceTlsSchema>;

function pairError(at: At, path: string, missing: 'cert' | 'key'): ToolError {
  return new ToolError(
    'FLEETSTORM_ERR_SCENARIO_INVALID',
    `a client ${missing === 'key' ? 'certificate' : 'key'} needs its ${missing}`,
    {
      where: at(`${path}.${missing}`),
      got: 'nothing',
      fix: `give both \`cert\` and \`key\` (PEM files)`,
    },
  );
}

export function resolveTargetTls(t: TargetTlsParsed | undefined, at: At): TargetTls | null {
  if (t === undefined) return null;
  if (t.cert !== undefined && t.key === undefined) throw pairError(at, 'target.tls', 'key');
  if (t.key !== undefined && t.cert === undefined) throw pairError(at, 'target.tls', 'cert');
  return {
    ca: t.ca ?? null,
    servername: t.servername ?? null,
    insecure: t.insecure ?? false,
    cert: t.cert ?? null,
    key: t.key ?? null,
    alpn: t.alpn === undefined ? [] : [t.alpn].flat(),
  };
}

export function resolveDeviceTls(t: DeviceTlsParsed | undefined, at: At): DeviceTls | null {
  if (t === undefined) return null;
  compileTemplate(t.cert, at('connectivity.tls.cert'));
  compileTemplate(t.key, at('connectivity.tls.key'));
  return { certTemplate: t.cert, keyTemplate: t.key };
}

/** The run's warning for `insecure: true` (printed when a live run starts and kept in the report). */
export function insecureWarning(t: TargetTls | null | undefined): string | null {
  if (!t?.insecure) return null;
  return 'target.tls.insecure: the server certificate is NOT verified (anyone on the path can pose as the broker); use `ca:` to trust a private CA instead';
}
