export { envelopeOf, meanPublishBytes, LOADS, type Envelope, type LoadName, type Peak } from './envelope.js';
export { planJson, planLines } from './format.js';
export { assertWithinLimits, checkLimits, type LimitCheck } from './limits-check.js';
export { planIntervalUs, planScenario, runNeedsPlan, type Plan } from './plan.js';
export { preflight } from './preflight.js';
