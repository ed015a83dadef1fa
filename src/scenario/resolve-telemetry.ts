// `telemetry` parsed → TelemetryConfig: the shorthand is one stream; `streams` inherit the
// shorthand's fields. Topic and payload templates are compiled here once so a mistake is a
// ToolError at load time (the engine compiles them again per process from the same data).
import { ToolError } from '../errors/tool-error.js';
import { compileTemplate } from '../identity/template.js';
import { compilePayload, type PayloadTemplate } from '../payload/compile.js';
import { sampleSizeBytes } from '../payload/device-payloads.js';
import { MEASUREMENT_PREFIX } from '../payload/measurement.js';
import type { TelemetryParsed } from './schema-telemetry.js';
import type { Range, TelemetryConfig, TelemetryStreamConfig } from './types.js';
import { parseDurationUs, parseSizeRangeBytes } from './units.js';
import { resolveBuffer, resolveSchedule } from './resolve-schedule.js';

type At = (path: string) => string;
type StreamParsed = Partial<Omit<TelemetryParsed, 'streams' | 'buffer' | 'at' | 'cron'>>;

function invalid(what: string, where: string, got: string, fix: string): ToolError {
  return new ToolError('FLEETSTORM_ERR_SCENARIO_INVALID', what, { where, got, fix });
}

export function resolveTelemetry(t: TelemetryParsed, at: At, typeName: string): TelemetryConfig {
  const schedule = resolveSchedule(t, (p) => at(`telemetry.${p}`));
  if (schedule !== null && t.streams)
    throw invalid(
      '`at` / `cron` schedule a single stream',
      at('telemetry.streams'),
      `${t.streams.length} streams`,
      'drop `streams`, or use `interval` instead of `at` / `cron`',
    );
  const buffer = resolveBuffer(t.buffer, (p) => at(`telemetry.${p}`));
  if (buffer !== null && t.streams)
    throw invalid(
      '`buffer` counts the readings of a single stream',
      at('telemetry.streams'),
      `${t.streams.length} streams`,
      'drop `streams`, or drop `buffer`',
    );
  // Aligned: `jitter` is the splay after each slot (in the schedule), not ± around the interval.
  if (schedule !== null) checkSplay(schedule.offsetsUs, schedule.splayUs, t.jitter, at('telemetry.jitter'));
  const streams = (t.streams ?? [{}]).map((s, i) =>
    resolveStream(
      schedule === null ? { ...t, ...defined(s) } : { ...t, jitter: '0s' },
      t.streams ? (p) => at(`telemetry.streams[${i}].${p}`) : (p) => at(`telemetry.${p}`),
      typeName,
    ),
  );
  return { ...(streams[0] as TelemetryStreamConfig), streams, buffer, schedule };
}

/** The splay stays below the shortest gap between two aligned readings (across midnight too). */
function checkSplay(offsetsUs: number[], splayUs: number, text: string, where: string): void {
  let gapUs = (offsetsUs[0] as number) + 24 * 3600e6 - (offsetsUs[offsetsUs.length - 1] as number);
  for (let i = 1; i < offsetsUs.length; i++)
    gapUs = Math.min(gapUs, (offsetsUs[i] as number) - (offsetsUs[i - 1] as number));
  if (splayUs >= gapUs)
    throw invalid(
      'jitter (the splay of aligned readings) must be below the gap between two of them',
      where,
      text,
      `use less than ${gapUs / 60e6} minutes`,
    );
}

function defined(s: StreamParsed): StreamParsed {
  return Object.fromEntries(Object.entries(s).filter(([, v]) => v !== undefined));
}

function resolveStream(
  t: Omit<TelemetryParsed, 'streams' | 'buffer' | 'at' | 'cron'>,
  at: At,
  typeName: string,
): TelemetryStreamConfig {
  const intervalUs = parseDurationUs(t.interval, at('interval'));
  if (intervalUs <= 0)
    throw invalid('telemetry interval must be positive', at('interval'), t.interval, 'use e.g. `15m`');
  const jitterUs = parseDurationUs(t.jitter, at('jitter'));
  if (jitterUs >= intervalUs)
    throw invalid(
      'jitter must be below the interval',
      at('jitter'),
      t.jitter,
      `use less than \`${t.interval}\``,
    );
  if (t.topic !== undefined) compileTemplate(t.topic, at('topic'));
  let template: PayloadTemplate | null = null;
  let payloadBytes: Range;
  if (typeof t.payload !== 'object') payloadBytes = parseSizeRangeBytes(t.payload, at('payload'));
  else {
    template = t.payload;
    const size = sampleSizeBytes(compilePayload(template, at('payload')), typeName);
    payloadBytes = { min: size, max: size };
  }
  return {
    intervalUs,
    jitterUs,
    payloadBytes,
    qos: t.qos,
    retain: t.retain,
    topic: t.topic ?? null,
    template,
    userProperties: userProperties(t['user-properties'] ?? {}, at),
    messageExpirySec: t['message-expiry'] === undefined ? null : expirySec(t['message-expiry'], at),
  };
}

function userProperties(props: Readonly<Record<string, string>>, at: At): [string, string][] {
  return Object.entries(props).map(([name, source]) => {
    if (name.startsWith(MEASUREMENT_PREFIX))
      throw invalid(
        `user property names starting with ${MEASUREMENT_PREFIX} are fleetstorm's own`,
        at(`user-properties.${name}`),
        name,
        'pick another name',
      );
    compileTemplate(source, at(`user-properties.${name}`));
    return [name, source];
  });
}

/** Message Expiry Interval is whole seconds in four bytes [MQTT-3.3.2.3.3]. */
function expirySec(text: string, at: At): number {
  const sec = Math.ceil(parseDurationUs(text, at('message-expiry')) / 1e6);
  if (sec < 1 || sec > 0xffff_ffff)
    throw invalid(
      'message expiry must be between 1s and about 136 years',
      at('message-expiry'),
      text,
      'use e.g. `10m`',
    );
  return sec;
}
