// MQTT over WebSockets (ws://, wss://): a `ws` client that IS the pool's stream. It carries the
// slot like a pool socket, buffers writes until the upgrade completes, and its messages feed the
// same frame reader as TCP reads ([MQTT-6.0.0-2]: MQTT packets may span WebSocket messages, so
// the reader's partial-frame carry-over handles both). Listeners are shared functions (`this`
// is the link), so a WebSocket connection costs the ws object and its socket, nothing more.
import net from 'node:net';
import type { ClientRequestArgs } from 'node:http';
import type tls from 'node:tls';
import WebSocket from 'ws';
import type { SocketListeners } from './socket-events.js';
import type { MqttTarget } from './types.js';

/** The subprotocol brokers expect for MQTT over WebSockets [MQTT-6.0.0-3]. */
const SUBPROTOCOL = 'mqtt';

export class WsLink extends WebSocket {
  fsSlot = -1;
  /** Writes made before the upgrade completed or while corked (frozen). */
  fsPending: Buffer[] | undefined = undefined;
  fsCorked = false;

  get destroyed(): boolean {
    return this.readyState === WebSocket.CLOSING || this.readyState === WebSocket.CLOSED;
  }

  write(buf: Buffer): boolean {
    if (this.readyState !== WebSocket.OPEN || this.fsCorked) {
      if (this.readyState === WebSocket.CONNECTING || this.readyState === WebSocket.OPEN) {
        (this.fsPending ??= []).push(buf);
      }
      return false;
    }
    this.send(buf);
    return true;
  }

  cork(): void {
    this.fsCorked = true;
  }

  uncork(): void {
    this.fsCorked = false;
    this.flush();
  }

  /** Sends what was written before the upgrade (or while corked). */
  flush(): void {
    const pending = this.fsPending;
    if (pending === undefined || this.readyState !== WebSocket.OPEN || this.fsCorked) return;
    this.fsPending = undefined;
    for (const buf of pending) this.send(buf);
  }

  /** Abrupt end (no closing handshake): the broker sees the TCP connection drop. */
  destroy(): void {
    this.fsPending = undefined;
    this.terminate();
  }

  /** Closing handshake after what is queued (as a FIN after the queued bytes on TCP). */
  destroySoon(): void {
    this.flush();
    this.close(1000);
  }
}

/** Listeners shared by every WebSocket link of a pool (`this` is the link). */
export interface WsListeners {
  onOpen(this: WebSocket): void;
  onMessage(this: WebSocket, data: Buffer): void;
  onError(this: WebSocket, err: Error): void;
  onClose(this: WebSocket): void;
}

export function wsListeners(base: SocketListeners): WsListeners {
  return {
    onOpen() {
      (this as WsLink).flush();
    },
    onMessage(data) {
      base.onData.call(this as WsLink, data);
    },
    onError(err) {
      base.onError.call(this as WsLink, withCode(err));
    },
    onClose() {
      base.onClose.call(this as WsLink);
    },
  };
}

/**
 * ws reports a refused upgrade as `Unexpected server response: 404` without a code: name it
 * (`WS_HTTP_404`) so the failure's detail says what the server answered.
 */
function withCode(err: Error): NodeJS.ErrnoException {
  const e = err as NodeJS.ErrnoException;
  if (e.code !== undefined) return e;
  const status = /Unexpected server response: (\d+)/.exec(e.message)?.[1];
  e.code = status === undefined ? 'WS_ERROR' : `WS_HTTP_${status}`;
  return e;
}

export interface WsOpenParams {
  target: MqttTarget;
  /** TLS options for wss:// (secure context, servername, verification, session). */
  tlsOptions: tls.ConnectionOptions | undefined;
  localAddress: string | undefined;
  connectTimeoutMs: number;
  /** wss://: opens the TLS socket from ws's request options (the pool adds its session cache). */
  tlsConnect?: (options: tls.ConnectionOptions) => tls.TLSSocket;
}

export function wsUrlOf(target: MqttTarget): string {
  const host = target.host.includes(':') ? `[${target.host}]` : target.host;
  return `${target.tls ? 'wss' : 'ws'}://${host}:${target.port}${target.wsPath ?? '/mqtt'}`;
}

/** Opens a WebSocket link to the target; bytes flow once `open` fires. */
export function openWsLink(p: WsOpenParams): WsLink {
  const { checkServerIdentity, ...tlsOptions } = p.tlsOptions ?? {};
  const options: WebSocket.ClientOptions & ClientRequestArgs & tls.ConnectionOptions = {
    perMessageDeflate: false, // MQTT payloads are the load; compressing them costs CPU and memory per link
    handshakeTimeout: p.connectTimeoutMs,
    ...tlsOptions,
  };
  // ws passes request options on to tls.connect, whose check has this signature
  if (checkServerIdentity !== undefined)
    (options as tls.ConnectionOptions).checkServerIdentity = checkServerIdentity;
  if (p.localAddress !== undefined) options.localAddress = p.localAddress;
  // --resolve: the socket goes to the address; the URL (Host header, TLS servername) keeps the name
  if (p.target.address !== undefined) options.lookup = fixedLookup(p.target.address);
  const tlsConnect = p.tlsConnect;
  // as ws's own connector (no `path` for tls.connect), through the pool's
  if (p.target.tls && tlsConnect !== undefined)
    options.createConnection = (o) =>
      tlsConnect({ ...(o as tls.ConnectionOptions), path: undefined } as tls.ConnectionOptions);
  return new WsLink(wsUrlOf(p.target), SUBPROTOCOL, options);
}

function fixedLookup(address: string): net.LookupFunction {
  const family = net.isIPv6(address) ? 6 : 4;
  return (_host, opts, callback) => {
    if (opts.all === true) callback(null, [{ address, family }]);
    else callback(null, address, family);
  };
}
