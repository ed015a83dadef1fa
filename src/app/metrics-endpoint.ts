// --metrics-port: a Prometheus scrape endpoint on loopback for long runs (Grafana dashboards).
// Serves the latest interval's view; before the first interval, only the run's start.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ToolError } from '../errors/tool-error.js';
import type { IntervalProgress } from './engine-types.js';
import { prometheusText } from '../metrics/prometheus-text.js';

export interface MetricsEndpoint {
  url: string;
  update(p: IntervalProgress): void;
  close(): Promise<void>;
}

export async function startMetricsEndpoint(
  port: number,
  durationUs: number,
  host = '127.0.0.1',
): Promise<MetricsEndpoint> {
  let body = '# fleetstorm: run starting\n';
  const server: Server = createServer((req, res) => {
    if (req.url !== '/metrics') {
      res.writeHead(404).end('try /metrics\n');
      return;
    }
    res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end(body);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (e: NodeJS.ErrnoException) =>
      reject(
        new ToolError(
          'FLEETSTORM_ERR_PORT_IN_USE',
          `cannot listen on ${host}:${port} (${e.code ?? 'error'})`,
          {
            where: '--metrics-port',
            fix: 'choose a free port, or 0 for any free port',
          },
        ),
      ),
    );
    server.listen(port, host, () => resolve());
  });
  const addr = server.address() as AddressInfo;
  return {
    url: `http://${host}:${addr.port}/metrics`,
    update: (p) => (body = prometheusText(p, durationUs)),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
