// "did you mean …?" for unknown keys, enum values, device type and metric names.

const normalise = (s: string): string => s.toLowerCase().replace(/[-_\s]/g, '');

/** Edit distance (insert, delete, substitute, swap of neighbours). */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[] = new Array<number>(rows * cols).fill(0);
  const at = (i: number, j: number): number => d[i * cols + j] ?? 0;
  for (let i = 0; i < rows; i++) d[i * cols] = i;
  for (let j = 0; j < cols; j++) d[j] = j;
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        best = Math.min(best, at(i - 2, j - 2) + 1);
      d[i * cols + j] = best;
    }
  }
  return at(rows - 1, cols - 1);
}

/** The candidate closest to `input`, or undefined when none is plausibly meant. */
export function closest(input: string, candidates: readonly string[]): string | undefined {
  const wanted = normalise(input);
  const same = candidates.find((c) => normalise(c) === wanted);
  if (same !== undefined) return same;
  // A shortened or lengthened key (`expression` for `expr`, `spread` for `spread-over`).
  const prefix = candidates.find((c) => {
    const n = normalise(c);
    return Math.min(n.length, wanted.length) >= 3 && (n.startsWith(wanted) || wanted.startsWith(n));
  });
  if (prefix !== undefined) return prefix;
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(input.length / 3)) + 1;
  for (const c of candidates) {
    const distance = editDistance(wanted, normalise(c));
    if (distance < bestDistance) {
      best = c;
      bestDistance = distance;
    }
  }
  return best;
}
