// The embedded MQTT broker: aedes (MQTT 3.1.1) on a plain TCP server, with the backend faults
// applied at the edges: accept (outage → RST), CONNECT (reject → refusing CONNACK, slow →
// delayed CONNACK) and PUBLISH (slow → delayed PUBACK).
import net from 'node:net';
import { Aedes, type AedesOptions } from 'aedes';
import type { FaultState } from './fault-state.js';
import type { BrokerService, BrokerServiceFactory, BrokerSide, EndpointStat } from './types.js';
import { listenOn } from './listen.js';
import { encodeRefusingConnack } from '../transports/mqtt/codec.js';
import type { ConnectLimit } from './connect-limit.js';

/** MQTT 5 reason "Unsupported Protocol Version": aedes speaks 3.1.1 only. */
const UNSUPPORTED_PROTOCOL_VERSION = 0x84;

export interface BrokerCounters {
  connects: number;
  rejected: number;
  refusedInOutage: number;
  dropped: number;
  publishes: number;
}

export interface EmbeddedBroker {
  port: number;
  counters: BrokerCounters;
  sessions(): number;
  /** The broker-side services' endpoints, merged. */
  endpoints(): Record<string, EndpointStat>;
  close(): Promise<void>;
}

/** aedes hooks that apply reject and slow at CONNECT and PUBLISH (and the connect limit). */
function faultHooks(
  faults: FaultState,
  counters: BrokerCounters,
  limit: ConnectLimit | null,
  sessions: () => number,
): AedesOptions {
  return {
    preConnect(client, packet, callback) {
      counters.connects++;
      const version = packet.protocolVersion ?? 4;
      const admit = (): void => faults.afterDelay(() => callback(null, true));
      if (limit !== null && !faults.rejecting && version !== 5 && !limit.offer(sessions(), admit)) {
        counters.rejected++;
        client.conn.end(encodeRefusingConnack(version, 0x9f));
        callback(null, false);
        return;
      }
      if (limit !== null && !faults.rejecting && version !== 5) return; // admitted now or later
      if (faults.rejecting || version === 5) {
        counters.rejected += faults.rejecting ? 1 : 0;
        const reason = faults.rejecting ? faults.rejectReason : UNSUPPORTED_PROTOCOL_VERSION;
        // Written by hand: aedes cannot send MQTT 5 reason codes. Flush, then FIN [MQTT-3.2.2-5].
        client.conn.end(encodeRefusingConnack(version, reason));
        callback(null, false);
        return;
      }
      faults.afterDelay(() => callback(null, true));
    },
    authorizePublish(_client, _packet, callback) {
      counters.publishes++;
      faults.afterDelay(() => callback(null));
    },
  };
}

/** Services on the broker's side: they publish as the server and see what clients do. */
function mountServices(broker: Aedes, factories: readonly BrokerServiceFactory[]): BrokerService[] {
  if (factories.length === 0) return [];
  const side: BrokerSide = {
    publish: (topic, payload, qos, retain = false) =>
      new Promise<void>((resolve) => {
        broker.publish({ cmd: 'publish', topic, payload, qos, retain, dup: false }, () => resolve());
      }),
  };
  const services = factories.map((f) => f(side));
  broker.on('publish', (packet, client) => {
    if (client === null) return; // the broker's own (and the services') publishes
    for (const s of services) s.published?.(client.id, packet.topic, packet.payload as Buffer);
  });
  broker.on('subscribe', (subs, client) => {
    const filters = subs.map((sub) => sub.topic);
    for (const s of services) s.subscribed?.(client.id, filters);
  });
  broker.on('clientDisconnect', (client) => {
    for (const s of services) s.disconnected?.(client.id);
  });
  return services;
}

export async function startBroker(
  host: string,
  port: number,
  faults: FaultState,
  services: readonly BrokerServiceFactory[] = [],
  limit: ConnectLimit | null = null,
): Promise<EmbeddedBroker> {
  const counters: BrokerCounters = { connects: 0, rejected: 0, refusedInOutage: 0, dropped: 0, publishes: 0 };
  let held = (): number => 0;
  const broker = await Aedes.createBroker(faultHooks(faults, counters, limit, () => held()));
  held = () => broker.connectedClients;
  const mounted = mountServices(broker, services);
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    if (faults.outageActive) {
      counters.refusedInOutage++;
      return void socket.resetAndDestroy();
    }
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    socket.setNoDelay(true);
    broker.handle(socket);
  });
  faults.onOutage(() => {
    counters.dropped += sockets.size;
    for (const socket of sockets) socket.resetAndDestroy();
  });
  let boundPort: number;
  try {
    boundPort = await listenOn(server, host, port, 'embedded backend MQTT port');
  } catch (err) {
    // aedes runs a heartbeat timer from creation: without a close the process never exits.
    for (const s of mounted) s.close?.();
    await new Promise<void>((resolve) => broker.close(() => resolve()));
    throw err;
  }
  return {
    port: boundPort,
    counters,
    sessions: () => broker.connectedClients,
    endpoints: () =>
      Object.assign({}, ...mounted.map((s) => s.endpoints?.() ?? {})) as Record<string, EndpointStat>,
    close: async () => {
      limit?.close();
      for (const s of mounted) s.close?.(); // their timers end before the broker goes
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await new Promise<void>((resolve) => broker.close(() => resolve()));
    },
  };
}
