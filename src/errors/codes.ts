// The error catalogue. Every code has a row in README.md (a test checks it). Kind decides the
// exit code: usage → 2, environment → 3.
export const ERROR_CODES = {
  FLEETSTORM_ERR_CLI_ARGUMENT: { kind: 'usage', summary: 'A command-line flag or argument is invalid.' },
  FLEETSTORM_ERR_SCENARIO_NOT_FOUND: {
    kind: 'usage',
    summary: 'The scenario file does not exist or cannot be read.',
  },
  FLEETSTORM_ERR_SCENARIO_PARSE: { kind: 'usage', summary: 'The scenario file is not valid YAML or JSON.' },
  FLEETSTORM_ERR_SCENARIO_INVALID: {
    kind: 'usage',
    summary: 'A scenario field is missing, unknown or out of range.',
  },
  FLEETSTORM_ERR_SCENARIO_VACUOUS: {
    kind: 'usage',
    summary:
      'Under --strict: a rollout, wave, fault or threshold falls outside the run or selects no device.',
  },
  FLEETSTORM_ERR_SCENARIO_UNIT: {
    kind: 'usage',
    summary: 'A duration, size, ratio or range could not be read.',
  },
  FLEETSTORM_ERR_DEVICE_TYPE: {
    kind: 'usage',
    summary: 'A fleet entry names a device type that cannot be found or is invalid.',
  },
  FLEETSTORM_ERR_PROFILE: { kind: 'usage', summary: 'The run profile does not exist or is invalid.' },
  FLEETSTORM_ERR_PROGRAM: {
    kind: 'usage',
    summary:
      "A device type's `program:` cannot be found, does not compile, or does not export defineDevice(...).",
  },
  FLEETSTORM_ERR_CALIBRATION: {
    kind: 'usage',
    summary: 'The calibration file named by `backend.from` does not exist or is invalid.',
  },
  FLEETSTORM_ERR_ENV_OVERRIDE: {
    kind: 'usage',
    summary: 'A FLEETSTORM_* environment variable has an invalid value.',
  },
  FLEETSTORM_ERR_THRESHOLD: {
    kind: 'usage',
    summary: 'A threshold expression cannot be parsed or names an unknown metric.',
  },
  FLEETSTORM_ERR_REPORT_INPUT: {
    kind: 'usage',
    summary: 'A report file given to `report` or `replay` is missing or not a fleetstorm report.',
  },
  FLEETSTORM_ERR_TARGET_UNREACHABLE: {
    kind: 'environment',
    summary: 'The target backend cannot be reached, or its host name does not resolve.',
  },
  FLEETSTORM_ERR_TARGET_LIMIT: {
    kind: 'usage',
    summary: 'The planned peak load exceeds a `target.limits` value.',
  },
  FLEETSTORM_ERR_PLATFORM_QUOTA: {
    kind: 'usage',
    summary: 'Under `target.preset`: the scenario breaks a documented quota of the platform.',
  },
  FLEETSTORM_ERR_TARGET_REFUSED: {
    kind: 'environment',
    summary: 'The target refused every connection of a calibration (credentials or TLS).',
  },
  FLEETSTORM_ERR_PORT_IN_USE: { kind: 'environment', summary: 'A port the run needs is already in use.' },
  FLEETSTORM_ERR_FD_LIMIT: {
    kind: 'environment',
    summary: 'The open-file limit is below what the run needs.',
  },
  FLEETSTORM_ERR_OUTPUT_DIR: { kind: 'environment', summary: 'The report directory cannot be written.' },
  FLEETSTORM_ERR_PLAN_TOO_LARGE: {
    kind: 'usage',
    summary: 'The run would never finish: too many events, too long a duration or telemetry too frequent.',
  },
  FLEETSTORM_ERR_MEMORY: {
    kind: 'environment',
    summary: "The run would not fit in this machine's memory (estimated before allocating).",
  },
  FLEETSTORM_ERR_SECRET_UNAVAILABLE: {
    kind: 'environment',
    summary: 'A `${env:…}` or `${file:…}` secret reference cannot be read.',
  },
  FLEETSTORM_ERR_TLS_FILE: {
    kind: 'environment',
    summary: 'A TLS file (CA, certificate, key) cannot be read, parsed or written.',
  },
} as const;
export type ErrorCode = keyof typeof ERROR_CODES;
