// Progress on stderr while a run goes on: on a TTY a status block redrawn in place (virtual
// time, speed, ETA, devices by state, rates, warnings); elsewhere one line every few seconds,
// so CI logs stay readable. --quiet silences it. Every line of the block is cut to the terminal
// width, so each takes one row and the redraw moves up exactly as many rows as it wrote.
// Under --processes the parent shows one row per process (from the children's progress lines).
import { monotonicMs } from '../clock/real-clock.js';
import type { IntervalProgress } from '../app/engine-types.js';
import type { ProcessProgress } from '../app/process-progress.js';
import { CONN_STATES, OTA_STATES } from '../metrics/catalog.js';
import { formatDurationUs } from '../scenario/units.js';
import { redactText } from '../secrets/redact.js';

const LINE_EVERY_MS = 5000;
const TTY_EVERY_MS = 150;
const DEFAULT_COLUMNS = 80;

function pct(n: number, total: number): string {
  return total > 0 ? `${((100 * n) / total).toFixed(1)}%` : '-';
}

export function compact(n: number): string {
  if (n >= 1e9) return `${(n / 1e9).toFixed(2)}G`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(2)}M`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(1)}k`;
  return String(Math.round(n));
}

/** Cuts a line to `columns - 1` characters (a full last column wraps on some terminals). */
export function fitToWidth(line: string, columns: number): string {
  const max = Math.max(10, columns - 1);
  const chars = [...line];
  return chars.length <= max ? line : `${chars.slice(0, max - 1).join('')}…`;
}

/**
 * `online 98.9k/100k (98.9%)` for a fleet with sleeping (duty-cycled) devices, whose connected
 * count alone would read 0 all run; `connected 990/1.0k` otherwise.
 */
export function onlineText(conn: readonly number[]): string {
  const total = conn.reduce((a, b) => a + b, 0);
  const connected = conn[CONN_STATES.indexOf('connected')] ?? 0;
  const sleeping = conn[CONN_STATES.indexOf('sleeping')] ?? 0;
  if (sleeping === 0) return `connected ${compact(connected)}/${compact(total)}`;
  const online = connected + sleeping;
  return `online ${compact(online)}/${compact(total)} (${pct(online, total)}, ${compact(sleeping)} asleep)`;
}

export class ProgressPrinter {
  private readonly t0 = monotonicMs();
  private lastMs = -Infinity;
  private rows = 0;
  private readonly processes = new Map<number, ProcessProgress>();

  constructor(
    private readonly stream: NodeJS.WriteStream,
    private readonly durationUs: number,
    private readonly enabled: boolean,
  ) {}

  private get tty(): boolean {
    return this.stream.isTTY === true;
  }

  update(p: IntervalProgress): void {
    this.show(p.index === p.intervals - 1, () => this.render(p, monotonicMs() - this.t0));
  }

  /** One child of `--processes N` reached an interval boundary. */
  updateProcess(p: ProcessProgress): void {
    this.processes.set(p.process, p);
    const all = [...this.processes.values()];
    const done = all.length === p.processes && all.every((x) => x.reachedUs >= this.durationUs);
    this.show(done, () => this.renderProcesses(all.sort((a, b) => a.process - b.process)));
  }

  private show(done: boolean, block: () => string[]): void {
    if (!this.enabled) return;
    const now = monotonicMs();
    if (!done && now - this.lastMs < (this.tty ? TTY_EVERY_MS : LINE_EVERY_MS)) return;
    this.lastMs = now;
    const lines = block();
    if (!this.tty) {
      this.stream.write(redactText(`${lines[0] ?? ''}\n`));
      return;
    }
    const columns = this.stream.columns > 0 ? this.stream.columns : DEFAULT_COLUMNS;
    const fitted = lines.map((l) => fitToWidth(redactText(l), columns));
    if (this.rows > 0) this.stream.write(`\x1b[${this.rows}F\x1b[J`);
    this.stream.write(`${fitted.join('\n')}\n`);
    this.rows = fitted.length;
  }

  private render(p: IntervalProgress, wallMs: number): string[] {
    const speed = wallMs > 0 ? p.reachedUs / 1000 / wallMs : 0;
    const etaMs = speed > 0 ? (this.durationUs - p.reachedUs) / 1000 / speed : 0;
    const head =
      `fleetstorm ${formatDurationUs(p.reachedUs)}/${formatDurationUs(this.durationUs)} ` +
      `(${pct(p.reachedUs, this.durationUs)}) ×${compact(speed)} eta ${formatDurationUs(Math.round(etaMs / 1000) * 1e6)} ` +
      `${onlineText(p.conn)} events ${compact(p.events)} ` +
      `(${compact(wallMs > 0 ? (p.events * 1000) / wallMs : 0)}/s)`;
    if (!this.tty) return [head];
    const conn = CONN_STATES.map((s, i) => `${s} ${compact(p.conn[i] ?? 0)}`).join('  ');
    const ota = OTA_STATES.map((s, i) => [s, p.ota[i] ?? 0] as const)
      .filter(([s, n]) => n > 0 && s !== 'idle')
      .map(([s, n]) => `${s} ${compact(n)}`)
      .join('  ');
    const rates = `connects ${compact(p.agg.counter('mqtt_connect_success_total'))}  failed ${compact(
      p.agg.counter('mqtt_connect_failed_total'),
    )}  publishes ${compact(p.agg.counter('mqtt_publish_total'))}`;
    return [head, `  devices: ${conn}`, `  ota: ${ota || '-'}`, `  totals: ${rates}`];
  }

  private renderProcesses(all: ProcessProgress[]): string[] {
    const n = all[0]?.processes ?? 0;
    const slowest = Math.min(...all.map((x) => x.reachedUs));
    const conn = CONN_STATES.map((_, i) => all.reduce((s, x) => s + (x.conn[i] ?? 0), 0));
    const head =
      `fleetstorm ${n} processes (${all.length} reporting) ${formatDurationUs(slowest)}/${formatDurationUs(this.durationUs)} ` +
      `(${pct(slowest, this.durationUs)}) ${onlineText(conn)}`;
    const rows = all.map(
      (x) =>
        `  process ${x.process}: ${formatDurationUs(x.reachedUs)} (${pct(x.reachedUs, this.durationUs)}) ` +
        `${onlineText(x.conn)} events ${compact(x.events)}`,
    );
    return [head, ...rows];
  }
}
