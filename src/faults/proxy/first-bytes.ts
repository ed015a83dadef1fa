// For targets whose client speaks first (MQTT, HTTP) the proxy dials the target only once the
// client's first bytes are in and the client is still there. In a reconnect storm a connection
// can wait in the proxy's accept queue longer than the device's connect timeout: the device has
// sent its CONNECT and its FIN and moved on. Dialing for it would make the broker accept, read
// the CONNECT and take over the device's session for no one, in the storm, on the same cores.
import type net from 'node:net';

/**
 * Calls `live` with the bytes read so far once the client's first bytes are in and no FIN came
 * with them, or `gone` when the client closed first. libuv reads a FIN one loop turn after the
 * data that came with it, so the decision waits two check phases.
 */
export function awaitFirstBytes(
  client: net.Socket,
  live: (chunks: Buffer[]) => void,
  gone: () => void,
): void {
  const chunks: Buffer[] = [];
  let ended = false;
  let decided = false;
  const onData = (chunk: Buffer): void => {
    chunks.push(chunk);
    if (chunks.length === 1) setImmediate(() => setImmediate(decide));
  };
  const onEnd = (): void => {
    ended = true;
  };
  const onClose = (): void => {
    if (!decided) finish(false);
  };
  const finish = (alive: boolean): void => {
    decided = true;
    client.off('data', onData);
    client.off('end', onEnd);
    client.off('error', onClose);
    client.off('close', onClose);
    if (alive) live(chunks);
    else gone();
  };
  function decide(): void {
    if (!decided) finish(!ended && !client.destroyed);
  }
  client.on('data', onData);
  client.on('end', onEnd);
  client.on('error', onClose);
  client.on('close', onClose);
}
