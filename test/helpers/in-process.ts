// Runs the CLI in this process (src/cli/main.ts, the same error boundary as bin/fleetstorm) and
// collects what it printed and the exit code it set: fast enough for hundreds of fuzz cases.
// Calls are serialised; process.stdout/stderr are captured only for the duration of one call.
import { main } from '../../src/cli/main.js';

export interface InProcessResult {
  code: number;
  stdout: string;
  stderr: string;
}

let queue: Promise<unknown> = Promise.resolve();

async function capture(argv: string[]): Promise<InProcessResult> {
  const out = process.stdout.write.bind(process.stdout);
  const err = process.stderr.write.bind(process.stderr);
  let stdout = '';
  let stderr = '';
  const previous = process.exitCode;
  process.exitCode = undefined;
  process.stdout.write = ((chunk: string | Uint8Array) => {
    stdout += String(chunk);
    return true;
  }) as typeof process.stdout.write;
  process.stderr.write = ((chunk: string | Uint8Array) => {
    stderr += String(chunk);
    return true;
  }) as typeof process.stderr.write;
  try {
    await main(argv);
  } finally {
    process.stdout.write = out;
    process.stderr.write = err;
  }
  const code = Number(process.exitCode ?? 0);
  process.exitCode = previous;
  return { code, stdout, stderr };
}

/** `fleetstorm <argv...>` in this process. */
export function runMain(argv: string[]): Promise<InProcessResult> {
  const next = queue.then(() => capture(argv));
  queue = next.catch(() => undefined);
  return next;
}
