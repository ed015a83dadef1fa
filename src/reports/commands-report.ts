// The report's commands section (`operations`): what the operator sent, what came back, how fast,
// and the share answered over time. A pure function of the scenario, merged metrics, series and
// outcomes, so a merged shard report derives it again exactly like a whole run does.
import type { DeviceOutcome, Report } from './report-types.js';

export interface OperationSummary {
  name: string;
  command: string;
  atUs: number;
  ratePerSec: number;
  timeoutUs: number;
  /** Devices in the outcomes with an error reply / no reply for this operation; null: outcomes not at hand. */
  errors: number | null;
  unanswered: number | null;
  /**
   * From the operation's start until 99% of the commands sent from then until the next
   * operation's start had their reply (replies counted from its start, up to the next start),
   * to the series' resolution; null when that did not happen before the next operation began.
   */
  answered99Us: number | null;
}

export interface CommandsReport {
  operations: OperationSummary[];
  sent: number;
  received: number;
  repliedOk: number;
  repliedError: number;
  unanswered: number;
  /** Replies (ok or error) per command sent; null when none was sent. */
  answeredRatio: number | null;
  fanoutP50Us: number | null;
  fanoutP99Us: number | null;
  replyP50Us: number | null;
  replyP99Us: number | null;
  /** Per series interval: replies so far per command sent so far (null before the first). */
  answeredShare: (number | null)[];
}

const QUORUM = 0.99;

function cumulative(values: readonly number[] | undefined, n: number): number[] {
  const out: number[] = [];
  let sum = 0;
  for (let i = 0; i < n; i++) {
    sum += values?.[i] ?? 0;
    out.push(sum);
  }
  return out;
}

function perOperation(
  name: string,
  outcomes: readonly DeviceOutcome[],
): { errors: number; unanswered: number } {
  let errors = 0;
  let unanswered = 0;
  for (const o of outcomes) {
    if (o.operation !== name) continue;
    if (o.outcome === 'command-error') errors++;
    else if (o.outcome === 'command-unanswered') unanswered++;
  }
  return { errors, unanswered };
}

/** See OperationSummary.answered99Us. */
function quorumUs(
  timesUs: readonly number[],
  atUs: number,
  starts: readonly number[],
  sentSoFar: readonly number[],
  answeredSoFar: readonly number[],
): number | null {
  const next = starts.find((s) => s > atUs) ?? Infinity;
  // Intervals ending at or before the start count for earlier operations.
  let from = -1;
  let to = -1;
  for (let i = 0; i < timesUs.length; i++) {
    const t = timesUs[i] as number;
    if (t <= atUs) from = i;
    if (t <= next) to = i;
  }
  const need = QUORUM * ((sentSoFar[to] ?? 0) - (sentSoFar[from] ?? 0));
  if (to < 0 || need <= 0) return null;
  const base = answeredSoFar[from] ?? 0;
  for (let j = from + 1; j <= to; j++) {
    if ((answeredSoFar[j] ?? 0) - base >= need) return (timesUs[j] as number) - atUs;
  }
  return null;
}

/**
 * The commands section, or null when the scenario has no operations. `outcomes`: every device
 * outcome of the run (the report keeps only a sample), or null when they are not at hand.
 */
export function commandsReport(
  r: Pick<Report, 'scenario' | 'metrics' | 'series'>,
  outcomes: readonly DeviceOutcome[] | null,
): CommandsReport | null {
  const ops = r.scenario.operations ?? [];
  if (ops.length === 0) return null;
  const c = (n: string): number => r.metrics.counters[n] ?? 0;
  const h = (n: string) => {
    const x = r.metrics.histograms[n];
    return x && x.count > 0 ? x : null;
  };
  const sent = c('command_sent_total');
  const repliedOk = c('command_replied_total{result="ok"}');
  const repliedError = c('command_replied_total{result="error"}');
  const n = r.series.timesUs.length;
  const sentSoFar = cumulative(r.series.counters['command_sent_total'], n);
  const okSoFar = cumulative(r.series.counters['command_replied_total{result="ok"}'], n);
  const errSoFar = cumulative(r.series.counters['command_replied_total{result="error"}'], n);
  const answeredShare = sentSoFar.map((s, i) =>
    s > 0 ? ((okSoFar[i] ?? 0) + (errSoFar[i] ?? 0)) / s : null,
  );
  const answeredSoFar = okSoFar.map((v, i) => v + (errSoFar[i] ?? 0));
  const starts = ops.map((o) => o.atUs).sort((a, b) => a - b);
  const fanout = h('command_fanout_duration_us');
  const reply = h('command_reply_duration_us');
  return {
    operations: ops.map((o) => ({
      name: o.name,
      command: o.command.name,
      atUs: o.atUs,
      ratePerSec: o.ratePerSec,
      timeoutUs: o.timeoutUs,
      ...(outcomes === null ? { errors: null, unanswered: null } : perOperation(o.name, outcomes)),
      answered99Us: quorumUs(r.series.timesUs, o.atUs, starts, sentSoFar, answeredSoFar),
    })),
    sent,
    received: c('command_received_total'),
    repliedOk,
    repliedError,
    unanswered: c('command_unanswered_total'),
    answeredRatio: sent > 0 ? (repliedOk + repliedError) / sent : null,
    fanoutP50Us: fanout?.p50Us ?? null,
    fanoutP99Us: fanout?.p99Us ?? null,
    replyP50Us: reply?.p50Us ?? null,
    replyP99Us: reply?.p99Us ?? null,
    answeredShare,
  };
}

/** The commands section of merged shard reports: derived again, per-operation counts summed. */
export function mergeCommands(
  merged: Pick<Report, 'scenario' | 'metrics' | 'series'>,
  shards: readonly (CommandsReport | null | undefined)[],
): CommandsReport | null {
  const out = commandsReport(merged, null);
  if (out === null) return null;
  out.operations.forEach((op, i) => {
    const parts = shards.map((s) => s?.operations[i]);
    const sum = (k: 'errors' | 'unanswered'): number | null =>
      parts.every((p) => p !== undefined && p[k] !== null)
        ? parts.reduce((n, p) => n + (p?.[k] ?? 0), 0)
        : null;
    op.errors = sum('errors');
    op.unanswered = sum('unanswered');
  });
  return out;
}

/** `{ commands }` to spread into a report, or nothing when the scenario has no operations. */
export function commandsField(c: CommandsReport | null): { commands?: CommandsReport } {
  return c === null ? {} : { commands: c };
}
