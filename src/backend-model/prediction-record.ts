// How far predictions from a calibration have been from live measurements: the worst error per
// measured quantity in the calibration benchmark (bench/calibration.ts, table in BENCHMARKS.md),
// per broker shape, with what limited its live run: the backend, or this machine's load
// generator (then the comparison says more about the generator than about the model).
// A virtual run that takes its backend from a calibration carries these figures in its report,
// so a capacity plan states its own track record. Update the figures with the benchmark's.

/** connect-p50/p99: over the whole storm; connect-peak-p50/p99: its worst second's. */
export const PREDICTED_QUANTITIES = [
  'recovery',
  'connect-p50',
  'connect-p99',
  'connect-peak-p50',
  'connect-peak-p99',
  'refusals',
  'publish-p99',
] as const;
export type PredictedQuantity = (typeof PREDICTED_QUANTITIES)[number];

/** One broker shape of the benchmark, compared at its largest live run. */
export interface PredictionCheck {
  shape: string;
  /**
   * What limited the live run: the backend (what the model models), or this machine's load
   * generator (the device processes and the brokers on 2 cores), which the model has no notion of.
   */
  bottleneck: 'backend' | 'load generator';
  liveDevices: number;
  /** |predicted − measured| / measured, in %; null (or absent): not compared. */
  absErrorPct: Readonly<Partial<Record<PredictedQuantity, number | null>>>;
}

export interface PredictionRecord {
  /** When the benchmark ran (UTC day) and the command that produced the table. */
  benchDate: string;
  command: string;
  checks: readonly PredictionCheck[];
}

export const PREDICTION_RECORD: PredictionRecord = {
  benchDate: '2026-11-28',
  command:
    'npx tsx bench/calibration.ts --shape throttled --devices 52000 --brokers 6 --connect-rate 400 --duration 320 --track-in-flight (mosquitto: --brokers 6 --calibrate-all; shaped: --devices 25000)',
  checks: [
    {
      shape: 'mosquitto x6 behind a 400 connects/s limit each',
      bottleneck: 'backend',
      liveDevices: 52_000,
      // the worst of two live runs (6 device processes, the outage applied by the devices, the
      // model's queues pooled at the barriers)
      absErrorPct: {
        recovery: 1,
        'connect-p50': 46,
        'connect-p99': 10,
        'connect-peak-p50': 15,
        'connect-peak-p99': 4,
        refusals: 0,
        'publish-p99': 84,
      },
    },
    {
      shape: 'mosquitto x6',
      bottleneck: 'load generator',
      liveDevices: 52_000,
      // unthrottled: the storm's latencies are a few ms, the generator's keeping time among them
      absErrorPct: {
        recovery: 1,
        'connect-p50': 48,
        'connect-p99': 23,
        'connect-peak-p50': 54,
        'connect-peak-p99': 83,
        refusals: 0,
        'publish-p99': 194,
      },
    },
    {
      shape: 'mosquitto x3 behind latency/bandwidth shaping',
      bottleneck: 'load generator',
      liveDevices: 25_000,
      absErrorPct: { recovery: 12, 'connect-p50': 99, 'connect-p99': 99, refusals: 100, 'publish-p99': 100 },
    },
  ],
};

const LABEL: Record<PredictedQuantity, string> = {
  recovery: 'recovery time',
  'connect-p50': 'connect p50',
  'connect-p99': 'connect p99',
  'connect-peak-p50': 'peak connect p50',
  'connect-peak-p99': 'peak connect p99',
  refusals: 'refusals',
  'publish-p99': 'publish p99',
};

/** The worst error of each quantity over some checks, and the largest of them. */
export interface PredictionErrorGroup {
  /** The largest of the quantities' worst errors (%); null when none was compared. */
  withinPct: number | null;
  byQuantity: Record<PredictedQuantity, number | null>;
  /** Devices in the largest live run of the group. */
  liveDevices: number;
  shapes: string[];
}

/**
 * The report's account of the record: the checks where the backend was the bottleneck (what a
 * calibrated prediction is for) at the top level, those where the benchmark's own load
 * generator was, apart.
 */
export interface PredictionErrorReport extends PredictionErrorGroup {
  benchDate: string;
  command: string;
  generatorBound: PredictionErrorGroup | null;
}

function group(checks: readonly PredictionCheck[]): PredictionErrorGroup {
  const byQuantity = Object.fromEntries(
    PREDICTED_QUANTITIES.map((q) => {
      const errs = checks
        .map((c) => c.absErrorPct[q])
        .filter((v): v is number => v !== null && v !== undefined);
      return [q, errs.length === 0 ? null : Math.max(...errs)];
    }),
  ) as Record<PredictedQuantity, number | null>;
  const known = PREDICTED_QUANTITIES.map((q) => byQuantity[q]).filter((v): v is number => v !== null);
  return {
    withinPct: known.length === 0 ? null : Math.max(...known),
    byQuantity,
    liveDevices: Math.max(0, ...checks.map((c) => c.liveDevices)),
    shapes: checks.map((c) => c.shape),
  };
}

export function predictionErrorReport(r: PredictionRecord = PREDICTION_RECORD): PredictionErrorReport {
  const generator = r.checks.filter((c) => c.bottleneck === 'load generator');
  return {
    ...group(r.checks.filter((c) => c.bottleneck === 'backend')),
    benchDate: r.benchDate,
    command: r.command,
    generatorBound: generator.length === 0 ? null : group(generator),
  };
}

const pct = (v: number): string => `±${Math.round(v)} %`;

function each(g: PredictionErrorGroup): string {
  return PREDICTED_QUANTITIES.filter((q) => g.byQuantity[q] !== null)
    .map((q) => `${LABEL[q]} ${pct(g.byQuantity[q] as number)}`)
    .join(', ');
}

/** One summary line: how far predictions from a calibration have been from live measurements. */
export function predictionErrorLine(p: PredictionErrorReport = predictionErrorReport()): string {
  const g = p.generatorBound;
  const generator =
    g === null || g.withinPct === null
      ? ''
      : `; where the benchmark's own load generator was the bottleneck, which the model does not know, ` +
        `up to ${pct(g.withinPct)} (${each(g)})`;
  if (p.withinPct === null)
    return (
      'predictions from a calibration have not been compared with live measurements of a backend-bound ' +
      `storm yet (BENCHMARKS.md)${generator}`
    );
  return (
    `predictions from a calibration were within ${pct(p.withinPct)} of live measurements in the calibration ` +
    `benchmark where the backend was the bottleneck (BENCHMARKS.md, ${p.benchDate}, ` +
    `${p.liveDevices.toLocaleString('en-US')} devices live: ${each(p)})${generator}`
  );
}
