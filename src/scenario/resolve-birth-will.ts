// `connectivity.birth` and `connectivity.will` resolved: templates compiled once here so a
// mistake is refused at load time (the live run compiles them again from the kept text).
import { compileTemplate } from '../identity/template.js';
import { parseDurationUs } from './units.js';
import type { BirthConfig, WillConfig } from './types.js';

interface BirthInput {
  topic: string;
  payload: string;
  qos: 0 | 1 | 2;
  retain: boolean;
}

type At = (path: string) => string;

export function resolveBirth(b: BirthInput | undefined, at: At): BirthConfig | null {
  if (b === undefined) return null;
  compileTemplate(b.topic, at('connectivity.birth.topic'));
  compileTemplate(b.payload, at('connectivity.birth.payload'));
  return { topic: b.topic, payload: b.payload, qos: b.qos, retain: b.retain };
}

export function resolveWill(w: (BirthInput & { delay: string }) | undefined, at: At): WillConfig | null {
  if (w === undefined) return null;
  compileTemplate(w.topic, at('connectivity.will.topic'));
  compileTemplate(w.payload, at('connectivity.will.payload'));
  const delayUs = parseDurationUs(w.delay, at('connectivity.will.delay'));
  return { topic: w.topic, payload: w.payload, qos: w.qos, retain: w.retain, delayUs };
}
