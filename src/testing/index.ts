// `fleetstorm/testing`: unit-test a device program on one simulated device in virtual time.
//   import { simulateDevice } from 'fleetstorm/testing';
export { simulateDevice } from './simulate.js';
export type { SimulateOptions, SimulatedDevice, SimulatedCommand, ProgramFailure } from './types.js';
export type { PublishedMessage, LogEntry, HookCall, HookName } from './record.js';
