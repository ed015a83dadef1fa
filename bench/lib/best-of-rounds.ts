// The tail of a side-by-side bench: every case runs once per round, rounds interleaved (a shared
// machine's load comes and goes), and each case keeps its fastest wall and CPU time, with its
// ratio to the reference case (the one without the feature measured).

export interface CaseTimes {
  wallS: number;
  cpuS: number;
}

export interface BestOfRounds {
  bestWallS: Record<string, number>;
  bestCpuS: Record<string, number>;
  /** Each case other than the reference: its best time over the reference's best. */
  wallRatio: Record<string, number>;
  cpuRatio: Record<string, number>;
}

function ratios(
  best: Record<string, number>,
  cases: readonly string[],
  reference: string,
): Record<string, number> {
  const out: Record<string, number> = {};
  for (const name of cases)
    if (name !== reference) out[name] = Number(((best[name] ?? NaN) / (best[reference] ?? NaN)).toFixed(2));
  return out;
}

/** Runs `cases` in `rounds` interleaved rounds; the fastest time of each and its ratio to `reference`. */
export async function bestOfRounds(
  cases: readonly string[],
  rounds: number,
  run: (name: string) => Promise<CaseTimes>,
  reference = 'plain',
): Promise<BestOfRounds> {
  const bestWallS: Record<string, number> = {};
  const bestCpuS: Record<string, number> = {};
  for (let round = 0; round < rounds; round++) {
    for (const name of cases) {
      const { wallS, cpuS } = await run(name);
      bestWallS[name] = Math.min(bestWallS[name] ?? Infinity, wallS);
      bestCpuS[name] = Math.min(bestCpuS[name] ?? Infinity, cpuS);
    }
  }
  return {
    bestWallS,
    bestCpuS,
    wallRatio: ratios(bestWallS, cases, reference),
    cpuRatio: ratios(bestCpuS, cases, reference),
  };
}
