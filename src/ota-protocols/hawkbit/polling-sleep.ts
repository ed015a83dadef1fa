// hawkBit's `config.polling.sleep`: the time a controller should wait before its next poll, in
// `HH:MM:SS` (DdiPolling). The server formats it, the client turns it into milliseconds.

const SLEEP = /^(\d{2,}):([0-5]\d):([0-5]\d)$/;

/** `00:05:00` → 300 000; null when the text is not HH:MM:SS. */
export function parsePollingSleepMs(text: unknown): number | null {
  if (typeof text !== 'string') return null;
  const m = SLEEP.exec(text);
  if (m === null) return null;
  const [hours, minutes, seconds] = [Number(m[1]), Number(m[2]), Number(m[3])];
  return ((hours * 60 + minutes) * 60 + seconds) * 1000;
}

/** 300 000 → `00:05:00` (whole seconds, rounded up so that a sub-second sleep is not zero). */
export function formatPollingSleep(sleepMs: number): string {
  const total = Math.max(0, Math.ceil(sleepMs / 1000));
  const two = (n: number): string => String(n).padStart(2, '0');
  return `${two(Math.floor(total / 3600))}:${two(Math.floor(total / 60) % 60)}:${two(total % 60)}`;
}
