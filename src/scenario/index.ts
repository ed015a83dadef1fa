// Public surface of the scenario language: load, resolve, validate, schema.
export {
  loadScenario,
  resolveScenarioObject,
  parseScenario,
  BUILTIN_DEVICES_DIR,
  BUILTIN_PROFILES_DIR,
} from './load.js';
export type { LoadOptions, ResolveObjectOptions } from './load.js';
export type { CliOverrides } from './overrides.js';
export { ENV_VARS } from './overrides.js';
export { validateFiles, detectKind } from './validate.js';
export type { ValidationResult, FileKind } from './validate.js';
export { scenarioJsonSchemaText, writeJsonSchema, SCHEMA_JSON_PATH } from './write-json-schema.js';
export { scenarioSchema, deviceTypeSchema, inlineDeviceTypeSchema, profileSchema } from './schema.js';
export type {
  ScenarioInput,
  ScenarioParsed,
  DeviceTypeInput,
  DeviceTypeParsed,
  ProfileInput,
  ProfileParsed,
} from './schema.js';
export { defaultIntervalUs } from './resolve.js';
export { largestRemainder, scaleFleet } from './scale.js';
export { loadProfile } from './profiles.js';
export {
  parseDurationUs,
  parseSizeBytes,
  parseRatio,
  parseRatePerSec,
  parseBandwidthBytesPerSec,
  parseCurrentMa,
  parseChargeMah,
  parseRange,
  parseDurationRangeUs,
  parseSizeRangeBytes,
  parseRatioRange,
  formatDurationUs,
  formatRatio,
} from './units.js';
export * from './types.js';
