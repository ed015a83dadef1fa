// The terminal summary of a calibration: one line per fitted value with its interval, what
// stopped the probe, and where the files are. Lines only; the CLI prints them.
import { strippedUrl } from './calibration-yaml.js';
import type { CalibrationResult, Fit } from './types.js';

function fitText(f: Fit): string {
  const unit = f.unit === '' ? '' : f.unit === '/s' ? '/s' : ` ${f.unit}`;
  if (f.bound === 'lower') return `≥ ${f.value}${unit}  (no knee: a lower bound)`;
  return `${f.value}${unit}  (95 % ${f.low ?? '?'}..${f.high ?? '?'})`;
}

/** How far the fitted model's p99 lands from the measured one, per probe (median and worst step). */
export function modelErrorLines(r: CalibrationResult): string[] {
  const out: string[] = [];
  for (const p of r.probes) {
    const errs = p.steps.flatMap(({ record: s }) =>
      s.modelled === undefined || s.p99Us === null || s.p99Us <= 0
        ? []
        : [{ step: s.index + 1, err: Math.abs(s.modelled.p99Us - s.p99Us) / s.p99Us }],
    );
    if (errs.length === 0) continue;
    const sorted = [...errs].sort((a, b) => a.err - b.err);
    const median = sorted[Math.floor((sorted.length - 1) / 2)]?.err ?? 0;
    const worst = sorted[sorted.length - 1] ?? { step: 0, err: 0 };
    const pct = (v: number): string => `${Math.round(v * 100)} %`;
    out.push(
      `  ${p.probe}${p.target === undefined ? '' : ` (broker ${p.target + 1})`}: modelled vs measured p99 per step: median ${pct(median)} off, worst ${pct(worst.err)} (step ${worst.step})`,
    );
  }
  return out;
}

export function summaryLines(r: CalibrationResult, dir: string): string[] {
  const targets = [...r.targets.mqtt, ...(r.targets.http ? [r.targets.http] : [])].map(strippedUrl);
  const width = Math.max(0, ...Object.keys(r.fits).map((k) => k.length));
  return [
    `calibration of ${targets.join(', ')} at ${r.takenAt} (stopped by ${r.stoppedBy})`,
    ...Object.entries(r.fits).map(([path, f]) => `  ${path.padEnd(width)}  ${fitText(f)}`),
    ...modelErrorLines(r),
    ...r.notes.map((n) => `  note: ${n}`),
    `wrote ${dir}/: backend.calibrated.yaml, calibration.json, calibration.html`,
    `use it: backend: { from: ${dir}/backend.calibrated.yaml }`,
  ];
}
