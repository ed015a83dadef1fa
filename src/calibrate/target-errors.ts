// A target that answers the first connect step with nothing but refusals or failures cannot be
// calibrated: that is a setup problem (credentials, TLS, address), one line naming the flag and
// the fix, not data. Anything that worked at all is measured.
import { ToolError } from '../errors/tool-error.js';
import type { MeasuredStep } from './types.js';

/** CONNACK codes that mean "who you are": 3.1.1 return codes 4, 5; MQTT 5 reasons 0x86, 0x87, 0x8C. */
const AUTH_CODES = new Set(['connack_4', 'connack_5', 'connack_134', 'connack_135', 'connack_140']);

export interface TargetNames {
  /** Where the credentials came from: `--target-mqtt` or `--scenario FILE`. */
  identityFrom: string;
}

function dominant(codes: Readonly<Record<string, number>>): string {
  return Object.entries(codes).sort((a, b) => b[1] - a[1])[0]?.[0] ?? 'no answer';
}

export function assertFirstStepServed(step: MeasuredStep, names: TargetNames): void {
  const r = step.record;
  if (r.ok > 0 || r.attempts === 0) return;
  const code = dominant(r.errorCodes);
  if (AUTH_CODES.has(code))
    throw new ToolError(
      'FLEETSTORM_ERR_TARGET_REFUSED',
      'the broker refused the credentials of every connect',
      {
        where: names.identityFrom,
        got: code,
        fix: "give credentials the broker accepts: a user and password in --target-mqtt's URL, or --scenario FILE whose device type sets connectivity.username/password",
      },
    );
  if (code.startsWith('tls'))
    throw new ToolError('FLEETSTORM_ERR_TARGET_REFUSED', 'the TLS handshake with the broker failed', {
      where: '--target-mqtt',
      got: code,
      fix: "give the CA that signed the broker's certificate (target.tls.ca in --scenario FILE) and a host name the certificate names (--resolve NAME:ADDR keeps it)",
    });
  if (code.startsWith('connack_'))
    throw new ToolError(
      'FLEETSTORM_ERR_TARGET_REFUSED',
      'the broker refused every connect of the first step',
      {
        where: '--target-mqtt',
        got: code,
        fix: 'check the broker accepts clients (its logs say why), or lower the first step',
      },
    );
  throw new ToolError('FLEETSTORM_ERR_TARGET_UNREACHABLE', 'no connect to the broker succeeded', {
    where: '--target-mqtt',
    got: code,
    fix: 'check the URL and port (mqtt:// vs mqtts://), that the broker runs, and that nothing in between drops connections',
  });
}
