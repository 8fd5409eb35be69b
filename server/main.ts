import { loadConfig } from './config.js';
import { startEmbeddedMongo } from './db/embedded.js';
import { startServer } from './server.js';
import { log } from './log.js';

/** `npm start`: configuration from the environment, then serve until SIGINT/SIGTERM. */
async function main(): Promise<void> {
  const config = loadConfig();
  const embedded = config.MONGODB_URI ? null : await startEmbeddedMongo();
  const mongoUri = config.MONGODB_URI ?? embedded!.uri;
  const server = await startServer({ mongoUri, config });
  log.info({ port: server.port, metricsPort: server.metricsPort, database: embedded ? 'embedded mongod, data in ./data' : 'MONGODB_URI' }, `listening on port ${server.port}`);

  const shutdown = async () => {
    await server.stop();
    await embedded?.stop();
    process.exit(0);
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

main().catch((err: Error) => {
  // Configuration and start-up failures are read by a person at a terminal: plain text.
  console.error(err.message);
  process.exit(1);
});
