// Building blocks for the scenario, device type and profile schemas: unit-carrying strings that
// are checked by the same parsers the resolver uses (so the schema and the resolver never
// disagree), with the parser's regular expression exported to JSON Schema as `pattern`.
import * as z from 'zod';
import { ToolError } from '../errors/tool-error.js';
import {
  UNIT_PATTERNS,
  parseBandwidthBytesPerSec,
  parseChargeMah,
  parseCurrentMa,
  parseDurationRangeUs,
  parseDurationUs,
  parseRatePerSec,
  parseRatio,
  parseRatioRange,
  parseSizeBytes,
  parseSizeRangeBytes,
  type UnitValue,
} from './units.js';

/** Params carried by a custom zod issue raised by a unit check; issues.ts turns it into a ToolError. */
export interface UnitIssueParams {
  toolCode: ToolError['code'];
  fix: string | undefined;
}

/**
 * A schema-level message for a value of the wrong type only: a missing value keeps the generic
 * "is required", and failed checks (too small, bad format) keep their own messages.
 */
export function typeError(message: string) {
  return (iss: { code?: string; input?: unknown }): string | undefined =>
    iss.input !== undefined && (iss.code === 'invalid_type' || iss.code === 'invalid_union')
      ? message
      : undefined;
}

function checkWith(parse: (v: UnitValue) => unknown) {
  return (value: UnitValue, ctx: z.RefinementCtx): void => {
    try {
      parse(value);
    } catch (e) {
      if (!(e instanceof ToolError)) throw e;
      const params: UnitIssueParams = { toolCode: e.code, fix: e.fix };
      ctx.addIssue({ code: 'custom', message: e.message, input: value, params: { ...params } });
    }
  };
}

function stringUnit(pattern: string, example: string, parse: (v: UnitValue) => unknown) {
  return z
    .string({ error: typeError(`expected a string such as \`${example}\``) })
    .superRefine(checkWith(parse))
    .meta({ pattern });
}

function numberOrStringUnit(pattern: string, example: string, parse: (v: UnitValue) => unknown) {
  return z
    .union([z.number(), z.string().meta({ pattern })], {
      error: typeError(`expected a number or a string such as \`${example}\``),
    })
    .superRefine(checkWith(parse));
}

export const durationField = () => stringUnit(UNIT_PATTERNS.duration, '30s', (v) => parseDurationUs(v));
export const durationRangeField = () =>
  stringUnit(UNIT_PATTERNS.durationRange, '30s..10m', (v) => parseDurationRangeUs(v));
export const sizeField = () => numberOrStringUnit(UNIT_PATTERNS.size, '4MiB', (v) => parseSizeBytes(v));
export const sizeRangeField = () =>
  numberOrStringUnit(UNIT_PATTERNS.sizeRange, '40B..200B', (v) => parseSizeRangeBytes(v));
export const bandwidthField = () =>
  numberOrStringUnit(UNIT_PATTERNS.bandwidth, '250kbit/s', (v) => parseBandwidthBytesPerSec(v));
/** A share written as a string (`10%`), where a plain number means a count instead. */
export const shareField = () => stringUnit(UNIT_PATTERNS.ratio, '10%', (v) => parseRatio(v));
/** A duration that may be negative (`-5m`), e.g. a clock skew. */
export const signedDurationField = () =>
  stringUnit(`^-?${UNIT_PATTERNS.duration.slice(1)}`, '-5m', (v) =>
    parseDurationUs(String(v).replace(/^-/, '')),
  );
export const ratioField = () => numberOrStringUnit(UNIT_PATTERNS.ratio, '10%', (v) => parseRatio(v));
/** A ratio that may exceed 100% (a scale factor). */
export const scaleField = () =>
  numberOrStringUnit(UNIT_PATTERNS.ratio, '10%', (v) => parseRatio(v, '', { max: Number.MAX_VALUE }));
export const ratioRangeField = () =>
  numberOrStringUnit(UNIT_PATTERNS.ratioRange, '60%..100%', (v) => parseRatioRange(v));
export const rateField = () => numberOrStringUnit(UNIT_PATTERNS.rate, '500/s', (v) => parseRatePerSec(v));
export const currentField = () => numberOrStringUnit(UNIT_PATTERNS.current, '15mA', (v) => parseCurrentMa(v));
export const chargeField = () =>
  numberOrStringUnit(UNIT_PATTERNS.charge, '2600mAh', (v) => parseChargeMah(v));

export const countField = () =>
  z
    .number({ error: typeError('expected a whole number') })
    .int()
    .min(0);
export const positiveIntField = () =>
  z
    .number({ error: typeError('expected a whole number') })
    .int()
    .min(1);
export const nameField = () =>
  z
    .string({ error: typeError('expected a name') })
    .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, { error: 'use letters, digits, `.`, `_` and `-` only' });

/** One string or a list of strings. */
export const stringOrListField = () =>
  z.union([z.string().min(1), z.array(z.string().min(1)).min(1)], {
    error: typeError('expected a string or a list of strings'),
  });

/** Attach a default and document it in the description (shown in schema.json and the docs). */
export function withDefault<S extends z.ZodType>(schema: S, value: z.input<S>, text: string) {
  return schema.default(value as never).describe(`${text} Default: \`${formatDefault(value)}\`.`);
}

/** An optional object: parsed with every inner default when omitted. */
export function withObjectDefault<S extends z.ZodType>(schema: S, text: string) {
  return schema.prefault({} as never).describe(text);
}

function formatDefault(value: unknown): string {
  return typeof value === 'string' && value !== '' ? value : JSON.stringify(value);
}
