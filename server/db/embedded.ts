import { mkdirSync } from 'node:fs';
import path from 'node:path';

/**
 * Without MONGODB_URI: an embedded mongod through mongodb-memory-server, its data under ./data
 * so it survives a restart. When no mongod binary can be had (no cache, no internet), stop with
 * a message that names the ways out.
 */
export async function startEmbeddedMongo(): Promise<{ uri: string; stop(): Promise<void> }> {
  const dbPath = path.resolve('data', 'db');
  mkdirSync(dbPath, { recursive: true });
  try {
    const { MongoMemoryServer } = await import('mongodb-memory-server-core');
    const server = await MongoMemoryServer.create({ instance: { dbPath, storageEngine: 'wiredTiger' } });
    return { uri: server.getUri('telework'), stop: async () => void (await server.stop({ doCleanup: false })) };
  } catch (err) {
    throw new Error(
      [
        `No MongoDB could be started: ${(err as Error).message.split('\n')[0]}`,
        'Ways out:',
        '  - set MONGODB_URI to a MongoDB server (mongodb://host:27017/telework), or',
        '  - set MONGOMS_SYSTEM_BINARY to the path of a mongod binary on this machine, or',
        '  - run `npm run demo` to try the product against an in-memory stand-in (nothing is kept).',
      ].join('\n'),
    );
  }
}
