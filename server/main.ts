import { loadConfig } from './config.js';
import { startEmbeddedMongo } from './db/embedded.js';
import { startServer } from './server.js';

/** `npm start`: configuration from the environment, then serve until SIGINT/SIGTERM. */
async function main(): Promise<void> {
  const config = loadConfig();
  const embedded = config.MONGODB_URI ? null : await startEmbeddedMongo();
  const mongoUri = config.MONGODB_URI ?? embedded!.uri;
  const server = await startServer({ mongoUri, config });
  console.log(`[server] listening on port ${server.port} (database: ${embedded ? 'embedded mongod, data in ./data' : 'MONGODB_URI'})`);

  const shutdown = async () => {
    await server.stop();
    await embedded?.stop();
    process.exit(0);
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

main().catch((err: Error) => {
  console.error(err.message);
  process.exit(1);
});
