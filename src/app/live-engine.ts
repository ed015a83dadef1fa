// Live mode engine (placeholder while the live driver lands).
import { ToolError } from '../errors/tool-error.js';
import type { ResolvedScenario } from '../scenario/types.js';
import type { EngineOptions, EngineResult } from './engine-types.js';

export async function runLive(s: ResolvedScenario, _opts: EngineOptions): Promise<EngineResult> {
  throw new ToolError('FLEETSTORM_ERR_CLI_ARGUMENT', 'live mode is not available in this build', {
    where: s.sourcePath ?? 'scenario',
    fix: 'use --mode virtual',
  });
}
