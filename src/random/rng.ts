// Seeded randomness. Each device owns one 32-bit mulberry32 state in a Uint32Array, derived
// from (seed, device id) with a splitmix-style hash, so a device's stream does not depend on
// how many other devices exist, which worker runs it, or in which order shards advance.

/** Mixes two 32-bit values into a well-spread 32-bit seed (murmur3 finaliser). */
export function mix32(a: number, b: number): number {
  let h = (Math.imul(a ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(b + 0x6a09e667, 0xc2b2ae35)) >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** The initial stream state of device `deviceId` under `seed`. */
export function deviceStreamSeed(seed: number, deviceId: number, stream = 0): number {
  return mix32(mix32(seed >>> 0, deviceId >>> 0), stream);
}

/**
 * Advances state[i] (mulberry32) and returns a float in [0, 1). Works directly on the typed
 * array so the fleet core needs no object per device.
 */
export function nextFloat(state: Uint32Array, i: number): number {
  const s = ((state[i] as number) + 0x6d2b79f5) >>> 0;
  state[i] = s;
  let t = s;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}

/** Uniform in [min, max]. */
export function nextRange(state: Uint32Array, i: number, min: number, max: number): number {
  return min === max ? min : min + (max - min) * nextFloat(state, i);
}

/** A small standalone stream, for code that is not per device (fault selection, tests). */
export class Stream {
  private readonly s = new Uint32Array(1);
  constructor(seed: number) {
    this.s[0] = seed >>> 0;
  }
  next(): number {
    return nextFloat(this.s, 0);
  }
}

/** Deterministic per-(seed, key, id) 32-bit hash with no state (unsigned). */
export function hash32(seed: number, key: number, id: number): number {
  return mix32(mix32(seed >>> 0, key >>> 0), id >>> 0);
}

/** Deterministic per-(seed, key, id) uniform in [0,1) with no state: for "is device d in the 5%". */
export function hashUnit(seed: number, key: number, id: number): number {
  return hash32(seed, key, id) / 4294967296;
}
