// Binding a server, with a port already in use reported as the user's problem (a ToolError).
import type { AddressInfo, Server as NetServer } from 'node:net';
import { ToolError } from '../errors/tool-error.js';

/** Listens and resolves the bound port; EADDRINUSE/EACCES become FLEETSTORM_ERR_PORT_IN_USE. */
export function listenOn(server: NetServer, host: string, port: number, what: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException): void => {
      if (err.code === 'EADDRINUSE' || err.code === 'EACCES') {
        reject(
          new ToolError('FLEETSTORM_ERR_PORT_IN_USE', `cannot listen on ${host}:${port}`, {
            where: what,
            got: err.code,
            fix: 'pick another port, or 0 for any free port, or stop whatever holds it',
          }),
        );
      } else {
        reject(err);
      }
    };
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve((server.address() as AddressInfo).port);
    });
  });
}
