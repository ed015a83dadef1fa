// Progress on stderr while a run goes on: on a TTY a status block redrawn in place (virtual
// time, speed, ETA, devices by state, rates, warnings); elsewhere one line every few seconds,
// so CI logs stay readable. --quiet silences it.
import { monotonicMs } from '../clock/real-clock.js';
import type { IntervalProgress } from '../app/engine-types.js';
import { CONN_STATES, OTA_STATES } from '../metrics/catalog.js';
import { formatDurationUs } from '../scenario/units.js';
import { redactText } from '../secrets/redact.js';

const LINE_EVERY_MS = 5000;
const TTY_EVERY_MS = 150;

function pct(n: number, total: number): string {
  return total > 0 ? `${((100 * n) / total).toFixed(1)}%` : '-';
}

function compact(n: number): string {
  if (n >= 1e9) return `${(n / 1e9).toFixed(2)}G`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(2)}M`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(1)}k`;
  return String(Math.round(n));
}

export class ProgressPrinter {
  private readonly t0 = monotonicMs();
  private lastMs = -Infinity;
  private lines = 0;

  constructor(
    private readonly stream: NodeJS.WriteStream,
    private readonly durationUs: number,
    private readonly enabled: boolean,
  ) {}

  private get tty(): boolean {
    return this.stream.isTTY === true;
  }

  update(p: IntervalProgress): void {
    if (!this.enabled) return;
    const now = monotonicMs();
    const done = p.index === p.intervals - 1;
    if (!done && now - this.lastMs < (this.tty ? TTY_EVERY_MS : LINE_EVERY_MS)) return;
    this.lastMs = now;
    const block = this.render(p, now - this.t0);
    if (this.tty) {
      if (this.lines > 0) this.stream.write(`\x1b[${this.lines}F\x1b[J`);
      this.stream.write(redactText(block.join('\n') + '\n'));
      this.lines = block.length;
    } else this.stream.write(redactText(block[0] + '\n'));
  }

  private render(p: IntervalProgress, wallMs: number): string[] {
    const total = p.conn.reduce((a, b) => a + b, 0);
    const speed = wallMs > 0 ? p.reachedUs / 1000 / wallMs : 0;
    const etaMs = speed > 0 ? (this.durationUs - p.reachedUs) / 1000 / speed : 0;
    const connected = p.conn[CONN_STATES.indexOf('connected')] ?? 0;
    const head =
      `fleetstorm ${formatDurationUs(p.reachedUs)}/${formatDurationUs(this.durationUs)} ` +
      `(${pct(p.reachedUs, this.durationUs)}) ×${compact(speed)} eta ${formatDurationUs(Math.round(etaMs / 1000) * 1e6)} ` +
      `connected ${compact(connected)}/${compact(total)} events ${compact(p.events)} ` +
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
}
