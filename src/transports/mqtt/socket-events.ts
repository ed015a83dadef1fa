// Socket events of every connection in a pool go through ONE set of listener functions: `this`
// is the socket, its `fsSlot` finds the connection, so a socket costs no closures of ours.
import type { SlotSocket } from './connection-table.js';
import { SOCKET_END, type PoolCore } from './core.js';
import { CLOSED, readFrames } from './frames.js';
import { IncomingDispatcher } from './incoming.js';
import { isTlsError } from './tls-link.js';
import { CONNECT_FAILURE } from './types.js';

export class SocketEvents {
  private readonly dispatcher: IncomingDispatcher;

  constructor(
    private readonly core: PoolCore,
    /** Called when the last connection is gone (the pool stops its interval). */
    private readonly onEmpty: () => void,
  ) {
    this.dispatcher = new IncomingDispatcher(core);
  }

  data(socket: SlotSocket, buf: Buffer, nread: number): void {
    const slot = socket.fsSlot;
    if (slot < 0) return;
    const { table } = this.core;
    const nowUs = this.core.clock();
    table.lastRecvUs[slot] = nowUs;
    const carried = table.partial[slot];
    let data = buf;
    let end = nread;
    if (carried !== undefined) {
      data = Buffer.concat([carried, buf.subarray(0, nread)]);
      end = data.length;
    }
    this.dispatcher.current = socket;
    this.dispatcher.nowUs = nowUs;
    const rest = readFrames(this.dispatcher, slot, data, end);
    this.dispatcher.current = undefined;
    if (rest !== CLOSED) table.partial[slot] = rest;
  }

  error(socket: SlotSocket, err: NodeJS.ErrnoException): void {
    const code = err.code ?? 'UNKNOWN';
    const tls = isTlsError(err);
    const counts = tls ? this.core.tlsErrors : this.core.socketErrors;
    counts[code] = (counts[code] ?? 0) + 1;
    // OpenSSL errors carry a short `reason` (e.g. `tlsv13 alert certificate required`)
    if (tls) this.core.tlsErrorMessages[code] ??= (err as { reason?: string }).reason ?? err.message;
    const slot = socket.fsSlot;
    if (slot < 0) return;
    if (tls) this.core.endingFailure = CONNECT_FAILURE.tls;
    const byPeer = code === 'ECONNRESET' || code === 'EPIPE';
    this.core.endingError = code; // read by the handler's callbacks (the reason in words)
    this.core.closeSlot(slot, byPeer ? 'remote' : 'error', 0, SOCKET_END.destroy);
    this.core.endingError = '';
    this.core.endingFailure = 0;
  }

  close(socket: SlotSocket): void {
    const slot = socket.fsSlot;
    if (slot >= 0) this.core.closeSlot(slot, 'remote', 0, SOCKET_END.destroy);
    if (this.core.table.open === 0) this.onEmpty();
  }
}

export interface SocketListeners {
  /** For net `onread`: data lands in the pool's shared buffer. */
  onRead(this: SlotSocket, nread: number, buf: Buffer): boolean;
  /** For TLS sockets, which have no `onread`. */
  onData(this: SlotSocket, chunk: Buffer): void;
  onError(this: SlotSocket, err: NodeJS.ErrnoException): void;
  onClose(this: SlotSocket): void;
}

export function socketListeners(events: SocketEvents): SocketListeners {
  return {
    onRead(nread, buf) {
      events.data(this, buf, nread);
      return true;
    },
    onData(chunk) {
      events.data(this, chunk, chunk.length);
    },
    onError(err) {
      events.error(this, err);
    },
    onClose() {
      events.close(this);
    },
  };
}
