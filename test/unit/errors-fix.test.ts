// Every error line carries a fix (hardening, "Messages": 89 of 2,057 mutant errors had none).
import { expect, it } from 'vitest';
import { ToolError } from '../../src/errors/tool-error.js';

it('an error built without a fix still points at its explanation', () => {
  const line = new ToolError('FLEETSTORM_ERR_SCENARIO_INVALID', 'is invalid', { where: 'x.yaml' }).toLine();
  expect(line).toBe(
    "error FLEETSTORM_ERR_SCENARIO_INVALID: x.yaml: is invalid; fix: see FLEETSTORM_ERR_SCENARIO_INVALID in the README's error codes",
  );
});
