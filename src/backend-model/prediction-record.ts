// How far predictions from a calibration have been from live measurements: the worst error per
// measured quantity in the calibration benchmark (bench/calibration.ts, table in BENCHMARKS.md).
// A virtual run that takes its backend from a calibration carries these figures in its report,
// so a capacity plan states its own track record. Update the figures with the benchmark's.

export const PREDICTED_QUANTITIES = [
  'recovery',
  'connect-p50',
  'connect-p99',
  'refusals',
  'publish-p99',
] as const;
export type PredictedQuantity = (typeof PREDICTED_QUANTITIES)[number];

export interface PredictionRecord {
  /** When the benchmark ran (UTC day) and the command that produced the table. */
  benchDate: string;
  command: string;
  /** Devices in the largest live run the predictions were checked against. */
  liveDevices: number;
  /** Broker shapes calibrated and compared. */
  shapes: readonly string[];
  /** Worst |predicted − measured| / measured over the shapes, in %; null: not compared. */
  worstAbsErrorPct: Readonly<Record<PredictedQuantity, number | null>>;
}

export const PREDICTION_RECORD: PredictionRecord = {
  benchDate: '2026-11-28',
  command:
    'npx tsx bench/calibration.ts --shape mosquitto --devices 52000 --brokers 6 --calibrate-all --track-in-flight (shaped: --devices 25000, rabbitmq: --devices 40000)',
  liveDevices: 52_000,
  shapes: ['mosquitto', 'mosquitto behind latency/bandwidth shaping', 'rabbitmq'],
  worstAbsErrorPct: {
    recovery: 168,
    'connect-p50': 100,
    'connect-p99': 99,
    refusals: 100,
    'publish-p99': 100,
  },
};

const LABEL: Record<PredictedQuantity, string> = {
  recovery: 'recovery time',
  'connect-p50': 'connect p50',
  'connect-p99': 'connect p99',
  refusals: 'refusals',
  'publish-p99': 'publish p99',
};

/** The report's account of the record: the worst error of all, and each quantity's. */
export interface PredictionErrorReport {
  /** The largest of the quantities' worst errors (%); null when none was compared. */
  withinPct: number | null;
  byQuantity: Record<PredictedQuantity, number | null>;
  benchDate: string;
  command: string;
  liveDevices: number;
  shapes: string[];
}

export function predictionErrorReport(r: PredictionRecord = PREDICTION_RECORD): PredictionErrorReport {
  const known = PREDICTED_QUANTITIES.map((q) => r.worstAbsErrorPct[q]).filter((v): v is number => v !== null);
  return {
    withinPct: known.length === 0 ? null : Math.max(...known),
    byQuantity: { ...r.worstAbsErrorPct },
    benchDate: r.benchDate,
    command: r.command,
    liveDevices: r.liveDevices,
    shapes: [...r.shapes],
  };
}

const pct = (v: number): string => `±${Math.round(v)} %`;

/** One summary line: how far predictions from a calibration have been from live measurements. */
export function predictionErrorLine(p: PredictionErrorReport = predictionErrorReport()): string {
  if (p.withinPct === null)
    return 'predictions from a calibration have not been compared with live measurements yet (BENCHMARKS.md)';
  const each = PREDICTED_QUANTITIES.filter((q) => p.byQuantity[q] !== null)
    .map((q) => `${LABEL[q]} ${pct(p.byQuantity[q] as number)}`)
    .join(', ');
  return (
    `predictions from a calibration were within ${pct(p.withinPct)} of live measurements in the calibration ` +
    `benchmark (BENCHMARKS.md, ${p.benchDate}, ${p.liveDevices.toLocaleString('en-US')} devices live: ${each})`
  );
}
