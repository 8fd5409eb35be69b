// Runs the stand-in as its own process:  npm run standin -- --port 27017 [--host 0.0.0.0]
import { parseArgs } from 'node:util';
import { startStandin } from './index';

const { values } = parseArgs({
  options: {
    port: { type: 'string', short: 'p', default: '27017' },
    host: { type: 'string', short: 'h', default: '127.0.0.1' },
  },
});

const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`invalid --port ${values.port}`);
  process.exit(2);
}

const standin = await startStandin({ port, host: values.host, log: (line) => console.error(line) });
console.log(`MongoDB stand-in (mingo + bson, in-memory) listening at ${standin.uri}`);

let stopping = false;
async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  console.log(`received ${signal}, stopping MongoDB stand-in`);
  await standin.stop();
  process.exit(0);
}
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));
