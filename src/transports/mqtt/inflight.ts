// The per-connection in-flight window: `width` entries per slot in flat typed arrays. Packet ids
// encode the entry: pid = seq × width + entry + 1, so an ack finds its entry in O(1) and a late
// ack for a timed-out entry (same entry, older seq) does not match the entry's current pid.

export const INFLIGHT = { free: 0, puback: 1, pubrec: 2, pubcomp: 3, suback: 4 } as const;
export type InflightState = (typeof INFLIGHT)[keyof typeof INFLIGHT];

export class InflightTable {
  readonly width: number;
  token = new Float64Array(0);
  intendedUs = new Float64Array(0);
  sentUs = new Float64Array(0);
  pid = new Uint16Array(0);
  state = new Uint8Array(0);
  /** Entries in use per slot. */
  count = new Uint8Array(0);
  /**
   * The encoded PUBLISH of entries on kept sessions (clean session off), by entry index, so it
   * can be sent again with DUP after a reconnect [MQTT-4.4.0-1]. Empty for clean sessions.
   */
  readonly packets = new Map<number, Buffer>();
  private capacity = 0;
  private seq = 0;
  private readonly seqCount: number;

  constructor(width: number) {
    if (!Number.isInteger(width) || width < 1 || width > 64) {
      throw new RangeError(`maxInFlight must be an integer in [1, 64], got ${width}`);
    }
    this.width = width;
    this.seqCount = Math.floor(65_535 / width);
  }

  ensure(slots: number): void {
    if (slots <= this.capacity) return;
    const n = slots * this.width;
    this.token = copyInto(new Float64Array(n), this.token);
    this.intendedUs = copyInto(new Float64Array(n), this.intendedUs);
    this.sentUs = copyInto(new Float64Array(n), this.sentUs);
    this.pid = copyInto(new Uint16Array(n), this.pid);
    this.state = copyInto(new Uint8Array(n), this.state);
    this.count = copyInto(new Uint8Array(slots), this.count);
    this.capacity = slots;
  }

  /** Claims a free entry of `slot` (at most `limit` in use); returns its index or -1. */
  alloc(slot: number, limit: number, state: InflightState): number {
    if ((this.count[slot] as number) >= limit) return -1;
    const base = slot * this.width;
    for (let e = 0; e < this.width; e++) {
      const i = base + e;
      if (this.state[i] === INFLIGHT.free) {
        this.state[i] = state;
        this.seq = this.seq + 1 === this.seqCount ? 0 : this.seq + 1;
        this.pid[i] = this.seq * this.width + e + 1;
        this.count[slot] = (this.count[slot] as number) + 1;
        return i;
      }
    }
    return -1;
  }

  /** Index of the live entry of `slot` with packet id `pid`, or -1. */
  find(slot: number, pid: number): number {
    if (pid === 0) return -1;
    const i = slot * this.width + ((pid - 1) % this.width);
    return this.pid[i] === pid && this.state[i] !== INFLIGHT.free ? i : -1;
  }

  /** Takes entry `i` of `slot` again with the packet id it had on the session's last connection. */
  restore(i: number, slot: number, pid: number, state: InflightState): void {
    this.state[i] = state;
    this.pid[i] = pid;
    this.count[slot] = (this.count[slot] as number) + 1;
  }

  free(i: number): void {
    if (this.packets.size > 0) this.packets.delete(i);
    this.state[i] = INFLIGHT.free;
    const slot = Math.floor(i / this.width);
    this.count[slot] = (this.count[slot] as number) - 1;
  }
}

function copyInto<T extends Float64Array | Uint16Array | Uint8Array>(into: T, from: T): T {
  into.set(from);
  return into;
}
