// The commands section of the text summary: what the operator sent, what came back and how fast.
import { formatCount, formatDurationUs, formatRatio } from '../metrics/units.js';
import type { CommandsReport } from './commands-report.js';
import type { Report } from './report-types.js';
import { table } from './text-table.js';

const dur = (us: number | null): string => (us === null ? 'n/a' : formatDurationUs(us));
const num = (n: number | null): string => (n === null ? '-' : formatCount(n));

function totalsLine(c: CommandsReport): string {
  const answered = c.answeredRatio === null ? 'none sent' : `${formatRatio(c.answeredRatio)} answered`;
  return (
    `commands: ${formatCount(c.sent)} sent, ${formatCount(c.received)} received, ` +
    `${formatCount(c.repliedOk + c.repliedError)} replied (ok ${formatCount(c.repliedOk)}, ` +
    `error ${formatCount(c.repliedError)}), ${formatCount(c.unanswered)} unanswered: ${answered}`
  );
}

function latencyLine(c: CommandsReport): string {
  return (
    `  fan-out p50 ${dur(c.fanoutP50Us)} p99 ${dur(c.fanoutP99Us)}, ` +
    `reply p50 ${dur(c.replyP50Us)} p99 ${dur(c.replyP99Us)}`
  );
}

export function commandLines(r: Report): string[] {
  const c = r.commands;
  if (!c) return [];
  const rows = [['operation', 'command', 'at', 'rate', 'timeout', '99% answered', 'errors', 'unanswered']];
  for (const o of c.operations) {
    rows.push([
      o.name,
      o.command,
      formatDurationUs(o.atUs),
      `${formatCount(o.ratePerSec)}/s`,
      formatDurationUs(o.timeoutUs),
      o.answered99Us === null ? 'never' : `after ${formatDurationUs(o.answered99Us)}`,
      num(o.errors),
      num(o.unanswered),
    ]);
  }
  return [totalsLine(c), latencyLine(c), ...table(rows).map((l) => `  ${l}`)];
}

/** Outcome lines name both kinds when the run has command outcomes. */
export function outcomeKinds(r: Report): string {
  const ops = r.commands?.operations ?? [];
  const commands = ops.reduce((n, o) => n + (o.errors ?? 0) + (o.unanswered ?? 0), 0);
  if (commands === 0) return 'failed, rolled back or bricked';
  const rollout = r.outcomes.total - commands;
  const cmd = `${formatCount(commands)} with a command answered with an error or not at all`;
  return rollout > 0 ? `(${formatCount(rollout)} failed, rolled back or bricked; ${cmd})` : `(${cmd})`;
}
