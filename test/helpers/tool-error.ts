// The ToolError a call fails with; anything else (success, another error) fails the test.
import { ToolError } from '../../src/errors/tool-error.js';

export async function toolErrorOf(p: Promise<unknown> | (() => unknown)): Promise<ToolError> {
  try {
    await (typeof p === 'function' ? p() : p);
  } catch (e) {
    if (e instanceof ToolError) return e;
    throw e;
  }
  throw new Error('expected a ToolError');
}
