// The TCP fault proxy for external live targets.
export { isLoopback, startFaultProxy } from './proxy.js';
export type { FaultProxy, FaultProxyOptions, FaultProxyStats } from './proxy.js';
