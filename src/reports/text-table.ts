// Fixed-width text tables for the summary.

/**
 * Columns two spaces apart; by default the first is left-aligned and the others right-aligned
 * (numbers), `align` overrides per column.
 */
export function table(rows: string[][], indent = '  ', align: ('left' | 'right')[] = []): string[] {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  return rows.map(
    (row) =>
      indent +
      row
        .map((cell, i) =>
          (align[i] ?? (i === 0 ? 'left' : 'right')) === 'left'
            ? cell.padEnd(widths[i] ?? 0)
            : cell.padStart(widths[i] ?? 0),
        )
        .join('  ')
        .trimEnd(),
  );
}
