// "92 % of 150 connects were refused: not authorized (MQTT 5 reason 0x87)": when one reason
// accounts for most failures of something, say it in words. Pure; used for connects, publishes
// and check-ins by failure-sentences.ts, and by whoever else counts failures by reason.

export interface FailureCounts {
  /** Plural noun of what was attempted: `connects`, `publishes`, `check-ins`. */
  noun: string;
  attempts: number;
  /** Failures by reason label (counter label, e.g. `not_authorized`); '' for an unlabelled count. */
  byReason: Readonly<Record<string, number>>;
  /** Finer detail per reason (a TLS error code, a CONNACK code), most frequent first. */
  details?: readonly { reason: string; detail: string; count: number }[];
}

export interface DominantFailure {
  reason: string;
  count: number;
  failures: number;
  attempts: number;
  /** The detail of most of this reason's failures (≥ half of them), else null. */
  detail: string | null;
}

export interface DominanceRule {
  /** The reason's share of all failures to count as dominant. Default 0.5. */
  minShareOfFailures: number;
  /** Failures' share of attempts worth a sentence at all. Default 0.01. */
  minShareOfAttempts: number;
}

const DEFAULT_RULE: DominanceRule = { minShareOfFailures: 0.5, minShareOfAttempts: 0.01 };

/** The reason most failures share, or null when there is none worth saying. */
export function dominantFailure(
  f: FailureCounts,
  rule: DominanceRule = DEFAULT_RULE,
): DominantFailure | null {
  const entries = Object.entries(f.byReason).filter(([, n]) => n > 0);
  const failures = entries.reduce((s, [, n]) => s + n, 0);
  if (failures === 0 || f.attempts <= 0 || failures / f.attempts < rule.minShareOfAttempts) return null;
  // Most first; ties by label so the sentence does not depend on object key order.
  entries.sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  const [reason, count] = entries[0] as [string, number];
  if (count / failures < rule.minShareOfFailures) return null;
  const mine = (f.details ?? []).filter((d) => d.reason === reason);
  const top = mine.reduce<{ detail: string; count: number } | null>(
    (best, d) => (best === null || d.count > best.count ? d : best),
    null,
  );
  const detail = top !== null && top.count * 2 > count ? top.detail : null;
  return { reason, count, failures, attempts: f.attempts, detail };
}

/** `92 %`, `4.5 %`, `0.3 %`: whole percent from 10 % up, one decimal below. */
export function percentText(part: number, whole: number): string {
  const p = (part / whole) * 100;
  const shown = p >= 10 ? Math.round(p) : Math.round(p * 10) / 10;
  return `${Math.min(shown, part < whole ? 99.9 : 100)} %`;
}

/**
 * The sentence: `<share> of <attempts> <noun> <phrase>`, where `phrase` says what happened
 * (`were refused: not authorized`) and the detail follows as `say(detail)` puts it.
 */
export function failureSentence(
  d: DominantFailure,
  noun: string,
  phrase: string,
  detailText: string,
): string {
  const n = d.attempts.toLocaleString('en-US');
  const share =
    d.count === d.attempts ? `all ${n} ${noun}` : `${percentText(d.count, d.attempts)} of ${n} ${noun}`;
  return `${share} ${phrase}${detailText}`;
}
