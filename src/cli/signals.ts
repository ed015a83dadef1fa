// Ctrl-C and SIGTERM: the first one asks the run to stop at the next barrier and write its
// partial report; a second one exits at once.
import { err } from './output.js';
import { EXIT } from '../errors/exit-codes.js';

export function interruptSignal(): { signal: AbortSignal; dispose: () => void } {
  const ctl = new AbortController();
  const onSignal = (name: string): void => {
    if (ctl.signal.aborted) {
      err(`fleetstorm: second ${name}, exiting without a report`);
      // The documented 130, not the 137 of a SIGKILL; exit() does not wait for the stuck run.
      // eslint-disable-next-line no-restricted-properties -- the one place a stuck run is left at once
      process.exit(EXIT.interrupted);
    }
    err(`fleetstorm: ${name} received, stopping; writing the partial report (press again to exit at once)`);
    ctl.abort();
  };
  const onInt = (): void => onSignal('SIGINT');
  const onTerm = (): void => onSignal('SIGTERM');
  process.on('SIGINT', onInt);
  process.on('SIGTERM', onTerm);
  return {
    signal: ctl.signal,
    dispose: () => {
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
    },
  };
}

/**
 * A `--processes` child: its stdin is a pipe from the parent that is never written. End of
 * file means the parent is gone (even by SIGKILL): stop at once rather than run unwatched.
 */
export function exitWithParent(): void {
  const stdin = process.stdin;
  const gone = (): void => {
    err('fleetstorm: the parent process is gone, exiting');
    // eslint-disable-next-line no-restricted-properties -- nobody is left to read a report
    process.exit(EXIT.interrupted);
  };
  stdin.once('end', gone);
  stdin.once('error', gone);
  stdin.resume();
  // Watching must not keep a finished run alive.
  (stdin as NodeJS.ReadStream & { unref?: () => void }).unref?.();
}
