// Instruments a bundled program (one ESM string) for the per-callback time budget: a tick at the
// start of every function body and of every loop body, so neither a loop nor recursion can run
// without passing one. acorn parses, magic-string inserts (positions stay those of the source).
import { parse, type Node } from 'acorn';
import MagicString from 'magic-string';
import { BUDGET_KEY } from './budget.js';

export const TICK = '__fleetstorm_tick';
const BUDGET = '__fleetstorm_budget';

interface AnyNode extends Node {
  [key: string]: unknown;
}

const LOOPS = new Set([
  'ForStatement',
  'ForInStatement',
  'ForOfStatement',
  'WhileStatement',
  'DoWhileStatement',
]);
const FUNCTIONS = new Set(['FunctionDeclaration', 'FunctionExpression', 'ArrowFunctionExpression']);

function isNode(v: unknown): v is AnyNode {
  return typeof v === 'object' && v !== null && typeof (v as { type?: unknown }).type === 'string';
}

function walk(node: AnyNode, visit: (n: AnyNode) => void): void {
  visit(node);
  for (const key of Object.keys(node)) {
    const v = node[key];
    if (Array.isArray(v)) {
      for (const c of v) if (isNode(c)) walk(c, visit);
    } else if (isNode(v)) walk(v, visit);
  }
}

/** Inserts a tick as the first statement of a block (after a directive prologue). */
function tickBlock(out: MagicString, block: AnyNode): void {
  const body = block.body as AnyNode[];
  let at = block.start + 1;
  for (const st of body) {
    if (st.type !== 'ExpressionStatement' || typeof st.directive !== 'string') break;
    at = st.end;
  }
  out.appendLeft(at, `${TICK}();`);
}

/** A statement body (a loop's): a block gets a tick inside; any other statement is wrapped. */
function tickStatement(out: MagicString, st: AnyNode): void {
  if (st.type === 'BlockStatement') return tickBlock(out, st);
  out.appendLeft(st.start, `{${TICK}();`);
  out.prependRight(st.end, '}');
}

/** Returns the program with ticks added and the budget hook defined at its top. */
export function instrument(code: string): string {
  const ast = parse(code, { ecmaVersion: 'latest', sourceType: 'module' }) as unknown as AnyNode;
  const out = new MagicString(code);
  walk(ast, (n) => {
    if (FUNCTIONS.has(n.type)) {
      const body = n.body as AnyNode;
      if (body.type === 'BlockStatement') tickBlock(out, body);
      else {
        out.appendLeft(body.start, `(${TICK}(),`);
        out.prependRight(body.end, ')');
      }
    } else if (LOOPS.has(n.type)) {
      tickStatement(out, n.body as AnyNode);
    }
  });
  const key = BUDGET_KEY.description ?? 'fleetstorm.program-budget';
  out.prepend(
    `const ${BUDGET} = globalThis[Symbol.for(${JSON.stringify(key)})];\n` +
      `function ${TICK}() { if (++${BUDGET}.n >= ${BUDGET}.lim) ${BUDGET}.check(); }\n`,
  );
  return out.toString();
}
