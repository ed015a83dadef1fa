// The only writers to the terminal (with src/reports renderers' strings). Results go to stdout,
// progress and diagnostics to stderr.
export function out(text: string): void {
  process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
}

export function err(text: string): void {
  process.stderr.write(text.endsWith('\n') ? text : `${text}\n`);
}
