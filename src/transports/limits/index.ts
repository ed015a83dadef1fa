export { LIMIT_NAMES, TargetLimiter, type LimitName, type LimiterOptions } from './limiter.js';
export { TokenBucket } from './token-bucket.js';
