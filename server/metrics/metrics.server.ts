import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { log } from '../log.js';
import type { Metrics } from './metrics.js';

/**
 * `GET /metrics` in Prometheus's text format on its own port (METRICS_PORT), never on the public
 * one: the numbers say how busy the office is, and a separate port is easy to firewall to the
 * monitoring host. Anything else on that port is 404.
 */
export async function serveMetrics(metrics: Metrics, port: number, host: string): Promise<{ port: number; close(): Promise<void> }> {
  metrics.collectProcessMetrics();
  const server: Server = createServer((req, res) => {
    if (req.method !== 'GET' || (req.url ?? '').split('?')[0] !== '/metrics') {
      res.writeHead(404).end();
      return;
    }
    metrics.registry.metrics().then(
      (text) => res.writeHead(200, { 'content-type': metrics.registry.contentType }).end(text),
      (err: unknown) => {
        log.error({ err }, 'metrics collection failed');
        res.writeHead(500).end();
      },
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
