// Colours: the Okabe–Ito palette (distinguishable with the common colour-vision deficiencies),
// plus greys. States keep the same colour in every chart and table.
import type { ConnStateName, OtaStateName } from '../../metrics/catalog.js';

export const COLORS = {
  orange: '#E69F00',
  sky: '#56B4E9',
  green: '#009E73',
  yellow: '#F0E442',
  blue: '#0072B2',
  vermillion: '#D55E00',
  purple: '#CC79A7',
  grey: '#8c8c8c',
  lightGrey: '#cfcfcf',
  dark: '#3a3a3a',
  darkRed: '#7a1f00',
  olive: '#9a8a00',
} as const;

/** A rotation for series with no fixed meaning (counters, fault lanes). */
export const ROTATION = [
  COLORS.blue,
  COLORS.vermillion,
  COLORS.green,
  COLORS.orange,
  COLORS.purple,
  COLORS.sky,
  COLORS.olive,
  COLORS.dark,
] as const;

export function rotationColor(index: number): string {
  return ROTATION[index % ROTATION.length] ?? COLORS.dark;
}

export const CONN_STATE_COLORS: Record<ConnStateName, string> = {
  off: COLORS.lightGrey,
  connecting: COLORS.sky,
  connected: COLORS.green,
  backoff: COLORS.orange,
  // Asleep is the normal state of a duty-cycled fleet: a quiet colour, not an alarm.
  sleeping: '#c4bfe0',
  dark: COLORS.dark,
  bricked: COLORS.vermillion,
};

export const OTA_STATE_COLORS: Record<OtaStateName, string> = {
  idle: COLORS.lightGrey,
  checking: '#a6cee3',
  downloading: COLORS.sky,
  verifying: '#3f8fc4',
  installing: COLORS.blue,
  rebooting: COLORS.purple,
  'health-check': COLORS.yellow,
  'retry-wait': COLORS.orange,
  committed: COLORS.green,
  'rolled-back': COLORS.olive,
  failed: COLORS.vermillion,
  bricked: COLORS.darkRed,
};

export const PERCENTILE_COLORS = {
  p50: COLORS.sky,
  p90: COLORS.blue,
  p99: COLORS.vermillion,
  max: COLORS.grey,
} as const;

export const FAULT_COLOR = COLORS.vermillion;
export const WAVE_COLOR = COLORS.blue;
