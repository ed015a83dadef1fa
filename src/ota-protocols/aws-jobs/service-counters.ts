// What the embedded jobs service counts: messages per topic kind in both directions, and the
// transitions it made on its own (queued at a wave start, cancelled, timed out).
/** Messages per topic kind, both directions, and the transitions the server made. */
export function emptyJobsServiceCounters() {
  return {
    startNext: 0,
    startNextAccepted: 0,
    startNextRejected: 0,
    update: 0,
    updateAccepted: 0,
    updateRejected: 0,
    shadowUpdate: 0,
    notifyNext: 0,
    invalid: 0,
    versionMismatch: 0,
    queued: 0,
    canceled: 0,
    timedOut: 0,
  };
}
export type JobsServiceCounters = ReturnType<typeof emptyJobsServiceCounters>;
