// `fleetstorm serve` (placeholder while the embedded backend lands).
import type { ExitCode } from '../../errors/exit-codes.js';
import { ToolError } from '../../errors/tool-error.js';

export async function serveCommand(_o: { host: string; mqttPort: number; httpPort: number }): Promise<ExitCode> {
  throw new ToolError('FLEETSTORM_ERR_CLI_ARGUMENT', 'serve is not available in this build', { fix: 'later' });
}
