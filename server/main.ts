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
  if (server.setupCode) printSetupCode(server.setupCode, server.port);

  const shutdown = async () => {
    await server.stop();
    await embedded?.stop();
    process.exit(0);
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

/**
 * An empty database and no ADMIN_LOGIN_ID/ADMIN_PASSWORD: nobody could sign in, so say once, plainly,
 * where to go and which code to give. On stderr, as text for the person at the terminal; the JSON
 * log on stdout never carries the code.
 */
function printSetupCode(code: string, port: number): void {
  log.warn({ port }, 'no admin yet: first-start setup is open (the code is printed on stderr)');
  console.error(
    [
      '',
      '  ──────────────────────────────────────────────────────────────',
      '  初回設定 / First-time setup',
      `  ブラウザで http://localhost:${port}/ を開き、次の設定コードを入力してください。`,
      `  Open http://localhost:${port}/ in a browser and enter this setup code:`,
      '',
      `      ${code}`,
      '',
      '  最初の管理者を作成すると、このコードは使えなくなります。',
      '  The code works once: it creates the first admin.',
      '  ──────────────────────────────────────────────────────────────',
      '',
    ].join('\n'),
  );
}

main().catch((err: Error) => {
  // Configuration and start-up failures are read by a person at a terminal: plain text.
  console.error(err.message);
  process.exit(1);
});
