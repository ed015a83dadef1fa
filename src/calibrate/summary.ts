// The terminal summary of a calibration: one line per fitted value with its interval, what
// stopped the probe, and where the files are. Lines only; the CLI prints them.
import { strippedUrl } from './calibration-yaml.js';
import type { CalibrationResult, Fit } from './types.js';

function fitText(f: Fit): string {
  const unit = f.unit === '' ? '' : f.unit === '/s' ? '/s' : ` ${f.unit}`;
  if (f.bound === 'lower') return `≥ ${f.value}${unit}  (no knee: a lower bound)`;
  return `${f.value}${unit}  (95 % ${f.low ?? '?'}..${f.high ?? '?'})`;
}

export function summaryLines(r: CalibrationResult, dir: string): string[] {
  const targets = [...r.targets.mqtt, ...(r.targets.http ? [r.targets.http] : [])].map(strippedUrl);
  const width = Math.max(0, ...Object.keys(r.fits).map((k) => k.length));
  return [
    `calibration of ${targets.join(', ')} at ${r.takenAt} (stopped by ${r.stoppedBy})`,
    ...Object.entries(r.fits).map(([path, f]) => `  ${path.padEnd(width)}  ${fitText(f)}`),
    ...r.notes.map((n) => `  note: ${n}`),
    `wrote ${dir}/: backend.calibrated.yaml, calibration.json, calibration.html`,
    `use it: backend: { from: ${dir}/backend.calibrated.yaml }`,
  ];
}
