// The only writers to the terminal (with src/reports renderers' strings). Results go to stdout,
// progress and diagnostics to stderr.
import { redactText } from '../secrets/redact.js';

export function out(text: string): void {
  const safe = redactText(text); // no URL password, token or read secret reaches the terminal
  process.stdout.write(safe.endsWith('\n') ? safe : `${safe}\n`);
}

export function err(text: string): void {
  const safe = redactText(text);
  process.stderr.write(safe.endsWith('\n') ? safe : `${safe}\n`);
}
