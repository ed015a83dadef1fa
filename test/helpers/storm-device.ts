// A device type for backend-model storm tests: persistent devices on a link with no latency,
// that never retry within the run, so connect timings are the modelled broker's alone.
export const STORM_DEVICE = {
  name: 'storm-gw',
  extends: 'gateway',
  radio: { profile: 'ethernet', latency: '0s..0s', loss: '0%' },
  connectivity: { 'connect-timeout': '1h', backoff: { policy: 'none', base: '1h', max: '1h' } },
  telemetry: { interval: '1h' },
};

/** The gateway with clean sessions: beside the kept-session `gateway` in session tests. */
export const CLEAN_GATEWAY = {
  name: 'clean-gateway',
  extends: 'gateway',
  connectivity: { 'clean-session': true },
};
