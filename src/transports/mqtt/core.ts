// Shared internals of a pool: the tables, the handler, sending, and the one place a connection
// ends (closeSlot), so every connect() gets exactly one onClose whatever path ends it.
import { ConnectionTable, PHASE, type SlotSocket } from './connection-table.js';
import { INFLIGHT, InflightTable } from './inflight.js';
import { SessionStore } from './session-store.js';
import { CONNECT_FAILURE, type CloseReason, type MqttHandler, type MqttPoolStats } from './types.js';

/** How closeSlot treats the socket. */
export const SOCKET_END = {
  /** Already closed or failing: just destroy. */
  destroy: 0,
  /** Abrupt: TCP RST where possible. */
  reset: 1,
  /** Flush what is queued (e.g. DISCONNECT), then close. */
  flush: 2,
} as const;
export type SocketEnd = (typeof SOCKET_END)[keyof typeof SOCKET_END];

export class PoolCore {
  readonly table = new ConnectionTable();
  readonly inflight: InflightTable;
  /** Publishes of kept sessions held across a reconnect (resent with DUP when the session is present). */
  readonly sessions = new SessionStore();
  readonly socketErrors: Record<string, number> = {};
  readonly tlsErrors: Record<string, number> = {};
  readonly tlsErrorMessages: Record<string, string> = {};
  tlsResumed = 0;
  /** CONNECT_FAILURE code of the failure ending a connection, while it ends (0: from the reason). */
  endingFailure = 0;
  /** Code of the socket error ending a connection, while its callbacks run ('' otherwise). */
  endingError = '';

  constructor(
    readonly handler: MqttHandler,
    readonly clock: () => number,
    readonly v5: boolean,
    maxInFlight: number,
  ) {
    this.inflight = new InflightTable(maxInFlight);
  }

  isV5(slot: number): boolean {
    return this.table.v5[slot] === 1;
  }

  /** Writes one packet; `nowUs` saves a clock read when the caller has one. */
  send(slot: number, buf: Buffer, nowUs: number = this.clock()): void {
    const socket = this.table.sockets[slot];
    if (socket === undefined) return;
    socket.write(buf);
    this.table.lastSendUs[slot] = nowUs;
  }

  stats(): MqttPoolStats {
    return {
      open: this.table.open,
      connected: this.table.connected,
      socketErrors: { ...this.socketErrors },
      tlsErrors: { ...this.tlsErrors },
      tlsErrorMessages: { ...this.tlsErrorMessages },
      tlsResumed: this.tlsResumed,
    };
  }

  /**
   * Ends a connection: detach the socket, fail what is in flight (a kept session holds its
   * publishes for the next CONNACK instead), free the id, then onClose.
   */
  closeSlot(slot: number, reason: CloseReason, code: number, end: SocketEnd): void {
    const t = this.table;
    const id = t.ids[slot] as number;
    const socket = t.sockets[slot];
    const wasConnecting = t.phase[slot] === PHASE.connecting;
    if (socket !== undefined) {
      socket.fsSlot = -1;
      endSocket(socket, end);
    }
    t.sockets[slot] = undefined;
    if (t.keep[slot] === 1) this.sessions.hold(this, slot, id);
    else this.failInflight(slot, id);
    if (wasConnecting && reason !== 'refused') {
      this.handler.onConnack(
        id,
        false,
        this.endingFailure !== 0 ? this.endingFailure : connectFailure(reason),
        this.clock() - (t.connectIntendedUs[slot] as number),
        false,
      );
    }
    t.release(slot);
    this.handler.onClose(id, reason, code);
  }

  /** Frees in-flight entries older than `deadlineUs` (sent before it); reports timeouts. */
  expireInflight(slot: number, sentBeforeUs: number): void {
    const f = this.inflight;
    const base = slot * f.width;
    for (let i = base; i < base + f.width; i++) {
      if (f.state[i] !== INFLIGHT.free && (f.sentUs[i] as number) < sentBeforeUs) {
        this.failEntry(i, this.table.ids[slot] as number, 'timeout');
      }
    }
  }

  private failInflight(slot: number, id: number): void {
    const f = this.inflight;
    if (f.count[slot] === 0) return;
    const base = slot * f.width;
    for (let i = base; i < base + f.width; i++) {
      if (f.state[i] !== INFLIGHT.free) this.failEntry(i, id, 'disconnected');
    }
  }

  failEntry(i: number, id: number, reason: 'timeout' | 'disconnected'): void {
    const f = this.inflight;
    const wasSubscribe = f.state[i] === INFLIGHT.suback;
    const token = f.token[i] as number;
    f.free(i);
    if (wasSubscribe) this.handler.onSubAck?.(id, token, -1, this.clock() - (f.intendedUs[i] as number));
    else this.handler.onPublishFail?.(id, token, reason, 0);
  }
}

function connectFailure(reason: CloseReason): number {
  if (reason === 'timeout') return CONNECT_FAILURE.timeout;
  if (reason === 'remote') return CONNECT_FAILURE.closed;
  if (reason === 'local' || reason === 'clean') return CONNECT_FAILURE.aborted;
  return CONNECT_FAILURE.socket;
}

function endSocket(socket: SlotSocket, end: SocketEnd): void {
  if (end === SOCKET_END.flush && !socket.destroyed) {
    socket.uncork();
    socket.destroySoon(); // FIN after the queued bytes, then release the fd
    return;
  }
  if (end === SOCKET_END.reset && typeof socket.resetAndDestroy === 'function' && !('encrypted' in socket)) {
    try {
      socket.resetAndDestroy();
      return;
    } catch {
      // not a TCP handle (yet): fall through to a plain destroy
    }
  }
  socket.destroy();
}
