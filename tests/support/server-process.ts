/**
 * The server as its own process, for tests that kill it (SIGKILL mid-send) or run two processes
 * over one database. Prints `ready <port>` once listening.
 */
import { startServer } from '../../server/server.js';

const server = await startServer({
  mongoUri: process.env.TEST_SERVER_MONGO_URI!,
  port: Number(process.env.TEST_SERVER_PORT ?? 0),
  host: '127.0.0.1',
  config: JSON.parse(process.env.TEST_SERVER_CONFIG ?? '{}'),
});
console.log(`ready ${server.port}`);
process.on('SIGTERM', () => void server.stop().then(() => process.exit(0)));
