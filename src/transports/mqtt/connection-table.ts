// Per-connection state as a struct of typed arrays indexed by a dense internal slot; the caller's
// ids map to slots through one growable Int32Array. A connection costs its socket plus ~60 bytes
// here (and the in-flight window in inflight.ts).
import net from 'node:net';

export const PHASE = { free: 0, connecting: 1, connected: 2 } as const;

/**
 * A connection's byte stream that knows its slot (-1 once detached: closed or closing on our
 * side): a net or TLS socket, or a WebSocket link (ws-link.ts) with the same few methods.
 */
export interface SlotSocket {
  fsSlot: number;
  readonly destroyed: boolean;
  write(buf: Buffer): boolean;
  cork(): void;
  uncork(): void;
  pause(): unknown;
  resume(): unknown;
  destroy(): unknown;
  destroySoon(): void;
  resetAndDestroy?(): unknown;
}

/** Plain TCP sockets carry the slot as a class field, so every instance has the same shape. */
export class PoolSocket extends net.Socket {
  fsSlot = -1;
}

function grownF64(a: Float64Array, n: number): Float64Array<ArrayBuffer> {
  const b = new Float64Array(n);
  b.set(a);
  return b;
}

function grownU8(a: Uint8Array, n: number): Uint8Array<ArrayBuffer> {
  const b = new Uint8Array(n);
  b.set(a);
  return b;
}

export class ConnectionTable {
  capacity = 0;
  /** One past the highest slot ever used: the housekeeping scan bound. */
  highWater = 0;
  open = 0;
  connected = 0;
  readonly sockets: (SlotSocket | undefined)[] = [];
  /** Bytes of an incomplete frame carried over to the next read (rare). */
  readonly partial: (Buffer | undefined)[] = [];
  ids = new Int32Array(0);
  phase = new Uint8Array(0);
  frozen = new Uint8Array(0);
  /** 1 when the connection speaks MQTT 5 (the pool's default, or the connect's own version). */
  v5 = new Uint8Array(0);
  /** 1 when the session outlives the connection (clean session / clean start off). */
  keep = new Uint8Array(0);
  /** Effective in-flight limit (min of the pool's and the broker's Receive Maximum). */
  window = new Uint8Array(0);
  keepaliveUs = new Float64Array(0);
  lastSendUs = new Float64Array(0);
  lastRecvUs = new Float64Array(0);
  connectIntendedUs = new Float64Array(0);
  connectStartUs = new Float64Array(0);
  private idToSlot = new Int32Array(0);
  private readonly freeSlots: number[] = [];

  /** Slot of a caller id, or -1. */
  slotOf(id: number): number {
    return id < this.idToSlot.length ? (this.idToSlot[id] as number) - 1 : -1;
  }

  /** Allocates a slot for `id` (the caller checks `capacity` to grow side tables in step). */
  alloc(id: number): number {
    if (!Number.isInteger(id) || id < 0 || id > 0x7fffffff) {
      throw new RangeError(`connection id must be an integer in [0, 2^31), got ${id}`);
    }
    if (id >= this.idToSlot.length) this.growIds(id + 1);
    let slot = this.freeSlots.pop();
    if (slot === undefined) {
      slot = this.highWater;
      if (slot >= this.capacity) this.grow(Math.max(1024, this.capacity * 2));
      this.highWater++;
    }
    this.idToSlot[id] = slot + 1;
    this.ids[slot] = id;
    this.open++;
    return slot;
  }

  release(slot: number): void {
    const id = this.ids[slot] as number;
    if (this.phase[slot] === PHASE.connected) this.connected--;
    this.idToSlot[id] = 0;
    this.phase[slot] = PHASE.free;
    this.frozen[slot] = 0;
    this.sockets[slot] = undefined;
    this.partial[slot] = undefined;
    this.freeSlots.push(slot);
    this.open--;
  }

  private growIds(min: number): void {
    const next = new Int32Array(Math.max(min, this.idToSlot.length * 2, 1024));
    next.set(this.idToSlot);
    this.idToSlot = next;
  }

  private grow(n: number): void {
    this.capacity = n;
    const ids = new Int32Array(n);
    ids.set(this.ids);
    this.ids = ids;
    this.phase = grownU8(this.phase, n);
    this.frozen = grownU8(this.frozen, n);
    this.v5 = grownU8(this.v5, n);
    this.keep = grownU8(this.keep, n);
    this.window = grownU8(this.window, n);
    this.keepaliveUs = grownF64(this.keepaliveUs, n);
    this.lastSendUs = grownF64(this.lastSendUs, n);
    this.lastRecvUs = grownF64(this.lastRecvUs, n);
    this.connectIntendedUs = grownF64(this.connectIntendedUs, n);
    this.connectStartUs = grownF64(this.connectStartUs, n);
  }
}
