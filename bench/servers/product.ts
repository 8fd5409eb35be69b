/**
 * Server A: this project's server (server/server.ts), started as it is in production, plus the
 * bench probe. Env: BENCH_DB_URI, BENCH_PORT (0 = any), BENCH_CONFIG (JSON overrides).
 */
import { startServer } from '../../server/server.js';
import { attachProbe } from './probe.js';

const server = await startServer({
  mongoUri: process.env.BENCH_DB_URI!,
  port: Number(process.env.BENCH_PORT ?? 0),
  host: '127.0.0.1',
  // The per-person send limit (120/min) would measure the limiter, not the server.
  config: { MESSAGE_RATE_LIMIT: 100_000, LOGIN_FAIL_LIMIT_PER_IP: 100_000, ...JSON.parse(process.env.BENCH_CONFIG ?? '{}') },
});
attachProbe(server.port);
process.on('SIGTERM', () => void server.stop().finally(() => process.exit(0)));
