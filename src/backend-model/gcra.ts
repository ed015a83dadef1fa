// A rate-limited FIFO server as a generic cell rate algorithm (GCRA) in virtual-scheduling form:
// one number of state (the theoretical arrival time, TAT) per queue. A request at t is served at
// max(t, TAT − τ); when that wait exceeds the queue bound it is refused and leaves no trace.
// Latency grows with load exactly as a real broker that pauses accepting does.

/** Serve time for a request at `t`, or -1 when the queue is full. Updates tat[slot]. */
export function gcraAdmit(
  tat: Float64Array,
  slot: number,
  t: number,
  periodUs: number,
  tauUs: number,
  maxWaitUs: number,
): number {
  const cur = tat[slot] as number;
  const serveAt = Math.max(t, cur - tauUs);
  if (serveAt - t > maxWaitUs) return -1;
  tat[slot] = Math.max(t, cur) + periodUs;
  return serveAt;
}
