// The undici connector of the live HTTP client when the run maps host names (`--resolve`) or
// limits new connections (`target.limits.connect-rate`): the TCP connect goes to the mapped
// address, while the Host header and TLS servername stay the name (undici derives both from the
// origin), and a connect past the rate is held until its turn.
import type { ConnectionOptions as TlsConnectionOptions } from 'node:tls';
import net from 'node:net';
import { buildConnector } from 'undici';
import type { TargetLimiter } from '../limits/index.js';

export function targetConnector(
  resolve: Readonly<Record<string, string>>,
  limiter: TargetLimiter | undefined,
  tlsOptions?: TlsConnectionOptions,
): buildConnector.connector | undefined {
  if (Object.keys(resolve).length === 0 && limiter === undefined && tlsOptions === undefined)
    return undefined;
  // https: the scenario's CA, client certificate and verification (`target.tls`)
  const base = buildConnector({ ...(tlsOptions as buildConnector.BuildOptions | undefined) });
  return (opts, callback) => {
    const address = net.isIP(opts.hostname) === 0 ? resolve[opts.hostname.toLowerCase()] : undefined;
    const go = (): void => void base(address === undefined ? opts : { ...opts, hostname: address }, callback);
    if (limiter === undefined) go();
    else limiter.after(limiter.connectWaitMs(), go);
  };
}
