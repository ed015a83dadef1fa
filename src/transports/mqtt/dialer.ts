// Opens a connection's byte stream for the pool: plain TCP (reads into the pool's one shared
// buffer), TLS (one secure context per target or the device's own, sessions resumed) or
// WebSockets (ws-link.ts). Every stream gets the same shared listener functions.
import net from 'node:net';
import tls from 'node:tls';
import { PoolSocket, type SlotSocket } from './connection-table.js';
import type { PoolCore } from './core.js';
import type { SocketListeners } from './socket-events.js';
import { sessionKeyOf, tlsConnectOptions, TlsSessionCache, type PoolTlsSocket } from './tls-link.js';
import type { MqttTarget } from './types.js';
import { openWsLink, wsListeners, type WsListeners } from './ws-link.js';

/** Safe to share: `onread` callbacks run synchronously and we copy whatever we keep. */
const READ_BUFFER = Buffer.allocUnsafe(64 * 1024);

export class StreamDialer {
  private readonly sessions = new TlsSessionCache();
  private readonly ws: WsListeners;
  /** Constructor options shared by every plain socket (one `onread` object for the pool). */
  private readonly socketOptions: net.SocketConstructorOpts;
  private readonly onSession: (this: PoolTlsSocket, session: Buffer) => void;
  private readonly onSecure: (this: PoolTlsSocket) => void;
  private nextLocal = 0;

  constructor(
    core: PoolCore,
    private readonly listeners: SocketListeners,
    private readonly localAddresses: readonly string[],
    private readonly connectTimeoutMs: number,
  ) {
    const onread: net.OnReadOpts = {
      buffer: READ_BUFFER,
      callback: listeners.onRead as net.OnReadOpts['callback'],
    };
    // noDelay must be a constructor option: socket.connect() ignores it (Node 20).
    this.socketOptions = { onread, noDelay: true } as net.SocketConstructorOpts;
    this.ws = wsListeners(listeners);
    const sessions = this.sessions;
    this.onSession = function (session) {
      sessions.set(this.fsSessionKey, session);
    };
    this.onSecure = function () {
      if (this.isSessionReused()) core.tlsResumed++;
    };
  }

  open(target: MqttTarget, slot: number, id: number, own: tls.SecureContext | undefined): SlotSocket {
    if (target.wsPath !== undefined) return this.openWs(target, slot, id, own);
    return target.tls ? this.openTls(target, slot, id, own) : this.openTcp(target, slot);
  }

  private pickLocalAddress(): string | undefined {
    if (this.localAddresses.length === 0) return undefined;
    this.nextLocal = (this.nextLocal + 1) % this.localAddresses.length;
    return this.localAddresses[this.nextLocal];
  }

  private openTcp(target: MqttTarget, slot: number): SlotSocket {
    const socket = new PoolSocket(this.socketOptions);
    socket.fsSlot = slot;
    socket.on('error', this.listeners.onError);
    socket.on('close', this.listeners.onClose);
    const localAddress = this.pickLocalAddress();
    const host = target.address ?? target.host; // --resolve: the address; TLS keeps the name
    socket.connect({ host, port: target.port, ...(localAddress ? { localAddress } : {}) });
    return socket;
  }

  private openTls(
    target: MqttTarget,
    slot: number,
    id: number,
    own: tls.SecureContext | undefined,
  ): SlotSocket {
    const sessionKey = sessionKeyOf(target, id, own !== undefined);
    const options = this.tlsOptions(target, own, sessionKey, this.pickLocalAddress());
    const socket = tls.connect(options) as PoolTlsSocket;
    socket.fsSlot = slot;
    socket.setNoDelay(true);
    socket.on('data', this.listeners.onData);
    socket.on('error', this.listeners.onError);
    socket.on('close', this.listeners.onClose);
    return this.watchSessions(socket, sessionKey);
  }

  /** TLS options for a connect: the device's own context or the target's, and the cached session. */
  private tlsOptions(
    target: MqttTarget,
    own: tls.SecureContext | undefined,
    sessionKey: string,
    localAddress: string | undefined,
  ): ReturnType<typeof tlsConnectOptions> {
    return tlsConnectOptions({
      target,
      secureContext: own,
      session: this.sessions.get(sessionKey),
      localAddress,
    });
  }

  /** Keeps the socket's new TLS sessions for the next connect under `key`; counts resumptions. */
  private watchSessions(socket: PoolTlsSocket, key: string): PoolTlsSocket {
    socket.fsSessionKey = key;
    socket.on('session', this.onSession);
    socket.once('secureConnect', this.onSecure);
    return socket;
  }

  private openWs(
    target: MqttTarget,
    slot: number,
    id: number,
    own: tls.SecureContext | undefined,
  ): SlotSocket {
    const sessionKey = sessionKeyOf(target, id, own !== undefined);
    const link = openWsLink({
      target,
      tlsOptions: target.tls ? this.tlsOptions(target, own, sessionKey, undefined) : undefined,
      localAddress: this.pickLocalAddress(),
      connectTimeoutMs: this.connectTimeoutMs,
      tlsConnect: (options) => this.watchSessions(tls.connect(options) as PoolTlsSocket, sessionKey),
    });
    link.fsSlot = slot;
    link.on('open', this.ws.onOpen);
    link.on('message', this.ws.onMessage);
    link.on('error', this.ws.onError);
    link.on('close', this.ws.onClose);
    return link;
  }
}
