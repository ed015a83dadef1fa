// backend.calibrated.yaml (format: src/backend-model/calibration-file.ts): a header comment, the
// `calibration:` block (when, against what, why it stopped, one fit per backend field) and the
// `backend:` section in scenario syntax. Written by hand so every fit stays on one line.
import type { BackendValue, CalibrationResult, Fit } from './types.js';

/** A target URL as the file may show it: no credentials, no query string or fragment. */
export function strippedUrl(url: string): string {
  try {
    const u = new URL(url);
    u.username = '';
    u.password = '';
    u.search = '';
    u.hash = '';
    return u.toString().replace(/\/$/, '');
  } catch {
    return url.replace(/\/\/[^@/]*@/, '//').replace(/[?#].*$/, '');
  }
}

const q = (s: string): string => JSON.stringify(s);
const num = (v: number | null): string => (v === null ? 'null' : String(v));

function fitLine(path: string, f: Fit): string {
  const bound = f.bound === undefined ? '' : `, bound: ${q(f.bound)}`;
  return `    ${path}: { value: ${num(f.value)}, low: ${num(f.low)}, high: ${num(f.high)}, unit: ${q(f.unit)}, steps: ${f.steps}${bound} }`;
}

function flowMap(o: Readonly<Record<string, BackendValue>>): string {
  const parts = Object.entries(o).map(
    ([k, v]) => `${k}: ${typeof v === 'number' ? v : typeof v === 'string' ? q(v) : flowMap(v)}`,
  );
  return `{ ${parts.join(', ')} }`;
}

export function calibrationYaml(r: CalibrationResult, version: string): string {
  const mqtt = r.targets.mqtt.map(strippedUrl);
  const http = r.targets.http === undefined ? null : strippedUrl(r.targets.http);
  const lines = [
    `# Written by \`fleetstorm calibrate\` on ${r.takenAt} against ${[...mqtt, ...(http ? [http] : [])].join(', ')}`,
    '# fits: each fitted backend field with its 95 % interval (low..high); `bound: lower` means the',
    '# probe stopped before that field reached its knee, so the real figure is at least `value`.',
    '# Use it with `backend: { from: ./backend.calibrated.yaml }`; fields beside `from:` override these.',
    'calibration:',
    `  taken-at: ${q(r.takenAt)}`,
    `  fleetstorm-version: ${q(version)}`,
    '  targets:',
    `    mqtt: [${mqtt.map(q).join(', ')}]`,
    ...(http ? [`    http: ${q(http)}`] : []),
    `  stopped-by: ${r.stoppedBy}`,
    ...(Object.keys(r.fits).length === 0 ? ['  fits: {}'] : ['  fits:']),
    ...Object.entries(r.fits).map(([path, f]) => fitLine(path, f)),
    'backend:',
  ];
  for (const [section, fields] of Object.entries(r.backend) as [string, BackendValue][]) {
    if (typeof fields === 'number') lines.push(`  ${section}: ${fields}`);
    else if (typeof fields === 'object' && Object.keys(fields).length > 0)
      lines.push(`  ${section}: ${flowMap(fields)}`);
  }
  if (lines[lines.length - 1] === 'backend:') lines[lines.length - 1] = 'backend: {}';
  return lines.join('\n') + '\n';
}
