import { createServer, type RequestListener } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';
import { bootstrapAdmin } from './admin/bootstrap.js';
import { buildApp } from './app.js';
import { systemClock, systemMonotonic, type Clock, type Monotonic } from './clock.js';
import { configSchema, type Config } from './config.js';
import { connectDatabase } from './db/connect.js';
import { DbHealth } from './db/db-health.js';
import { Metrics } from './metrics/metrics.js';
import { serveMetrics } from './metrics/metrics.server.js';
import { Limiters } from './lib/limiter.js';
import { Realtime, type IoServer } from './realtime.js';
import { isAllowedOrigin } from './transport/origin.js';
import { useRedisAdapter } from './redis-adapter.js';
import { createServices, type Services } from './services.js';
import { attachSockets } from './sockets.js';

export interface StartOptions {
  mongoUri: string;
  port?: number;
  host?: string;
  /** Overrides on top of the defaults (tests shorten timeouts with this). */
  config?: Partial<Config>;
  /** The time source (tests set one to cross midnight); the wall clock by default. */
  clock?: Clock;
  /** Durations (heartbeat age); tests advance one by hand. The process's monotonic clock by default. */
  monotonic?: Monotonic;
  /** The built client's folder (tests serve a small stand-in build); client/dist by default. */
  clientDist?: string;
}

export interface RunningServer {
  url: string;
  port: number;
  services: Services;
  /** The metrics port when METRICS_PORT is set. */
  metricsPort?: number;
  /** While the database has no admin: the one-time code that creates the first one (server/setup). */
  setupCode?: string;
  stop(): Promise<void>;
}

/** One process's server: REST, Socket.IO and the built client on one port, over one database. */
export async function startServer(options: StartOptions): Promise<RunningServer> {
  const config: Config = { ...configSchema.parse({}), ...options.config };
  const conn = await connectDatabase(options.mongoUri, { monitorCommands: config.DB_COMMAND_MONITORING });
  const dbHealth = new DbHealth(conn);
  dbHealth.start();
  const metrics = new Metrics();
  metrics.watchDatabase(conn);
  // The app is plugged in later (it needs the services), but the handler must exist before
  // Socket.IO attaches: Socket.IO keeps /socket.io/ requests from the listeners present then.
  let app: RequestListener | undefined;
  const http = createServer((req, res) => app!(req, res));
  const io: IoServer = new Server(http, {
    // A message body is at most 10,000 characters; nothing legitimate is bigger than this.
    maxHttpBufferSize: 100_000,
    serveClient: false,
    allowRequest: (req, callback) => callback(null, isAllowedOrigin(req.headers.origin, req.headers.host, config.ALLOWED_ORIGINS)),
  });
  const redis = config.REDIS_URL ? await useRedisAdapter(io, config.REDIS_URL) : undefined;
  const closeRedis = redis?.close ?? (async () => {});
  const limiters = new Limiters(redis?.client);
  const services = await createServices(
    config,
    conn,
    new Realtime(io),
    { wall: options.clock ?? systemClock, monotonic: options.monotonic ?? systemMonotonic },
    limiters,
    dbHealth,
    metrics,
  );
  await bootstrapAdmin(config, services.directory);
  const setupCode = await services.setup.prepare();
  app = buildApp(services, options.clientDist);
  attachSockets(io, services);

  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen({ port: options.port ?? config.PORT, host: options.host ?? '0.0.0.0', backlog: config.LISTEN_BACKLOG }, () => resolve());
  });
  const port = (http.address() as AddressInfo).port;
  services.presence.listening();
  const metricsServer =
    config.METRICS_PORT === undefined ? undefined : await serveMetrics(metrics, config.METRICS_PORT, options.host ?? '0.0.0.0');
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    services,
    metricsPort: metricsServer?.port,
    ...(setupCode ? { setupCode } : {}),
    async stop() {
      dbHealth.stop();
      await metricsServer?.close();
      await services.stop();
      io.disconnectSockets(true);
      await new Promise<void>((resolve) => io.close(() => resolve()));
      await closeRedis();
      await conn.close();
    },
  };
}
