// A rate-limited FIFO server with a burst allowance, kept as a fluid backlog: two numbers of
// state per queue (µs of queued work, and when it was last drained). A request waits for the
// backlog beyond the burst tolerance; when that wait exceeds the queue bound it is refused and
// leaves no trace. Latency grows with load as in a real broker that pauses accepting.
//
// Why a backlog and not a GCRA theoretical-arrival time: the fleet core runs events in bucket
// order (≈65 ms buckets), not strictly by time, so requests reach the model slightly out of
// order. A TAT jumps forward with each late request and makes earlier ones wait for it; the
// backlog only drains with time already seen, so a bucket's requests queue as if they came at
// once, which the burst tolerance absorbs while a bucket holds fewer requests than the burst
// (why the buckets are narrow: src/core/calendar-queue.ts).

/** Serve time for a request at `t`, or -1 when the queue is full. Updates state[slot..slot+1]. */
export function fluidAdmit(
  state: Float64Array,
  slot: number,
  t: number,
  periodUs: number,
  tauUs: number,
  maxWaitUs: number,
): number {
  const last = state[slot + 1] as number;
  let backlog = state[slot] as number;
  if (t > last) {
    backlog = Math.max(0, backlog - (t - last));
    state[slot + 1] = t;
  }
  const wait = Math.max(0, backlog - tauUs);
  if (wait > maxWaitUs) {
    state[slot] = backlog;
    return -1;
  }
  state[slot] = backlog + periodUs;
  return t + wait;
}

/**
 * The wait a request at `t` would have (µs), without taking its place: the backlog drained to
 * `t` (state updated, as time seen) less the burst tolerance. With `fluidTake` after it, the
 * same as `fluidAdmit`; apart, a request can be checked against two queues before either keeps it.
 */
export function fluidWait(state: Float64Array, slot: number, t: number, tauUs: number): number {
  const last = state[slot + 1] as number;
  if (t > last) {
    state[slot] = Math.max(0, (state[slot] as number) - (t - last));
    state[slot + 1] = t;
  }
  return Math.max(0, (state[slot] as number) - tauUs);
}

/** The request checked with `fluidWait` takes its place: one period more work queued. */
export function fluidTake(state: Float64Array, slot: number, periodUs: number): void {
  state[slot] = (state[slot] as number) + periodUs;
}
