import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';

/**
 * Without MONGODB_URI: an embedded mongod through mongodb-memory-server, its data under ./data
 * so it survives a restart. When no mongod binary can be had (no cache, no internet), stop with
 * one message that names the ways out, and leave no empty ./data/db behind.
 */
export async function startEmbeddedMongo(): Promise<{ uri: string; stop(): Promise<void> }> {
  const dataDir = path.resolve('data');
  const dbPath = path.join(dataDir, 'db');
  const created = [dataDir, dbPath].filter((dir) => !existsSync(dir));
  mkdirSync(dbPath, { recursive: true });
  try {
    const { MongoBinary, MongoMemoryServer } = await import('mongodb-memory-server-core');
    // Find (or download) the binary first: its failure is a plain error, whereas a failure inside
    // create() also prints the library's own stack trace to the console.
    await MongoBinary.getPath();
    const server = await MongoMemoryServer.create({ instance: { dbPath, storageEngine: 'wiredTiger' } });
    return { uri: server.getUri('telework'), stop: async () => void (await server.stop({ doCleanup: false })) };
  } catch (err) {
    // Remove only the folders made just now, and only while they are still empty.
    for (const dir of created.reverse()) {
      if (existsSync(dir) && readdirSync(dir).length === 0) rmSync(dir, { recursive: true });
    }
    throw new Error(noMongoMessage((err as Error).message.replace(/\s+/g, ' ').trim().slice(0, 300)));
  }
}

export function noMongoMessage(reason: string): string {
  return [
    `MongoDB を起動できませんでした / No MongoDB could be started: ${reason}`,
    '',
    'Ways out:',
    '  1. A MongoDB server you have (production: a replica set):',
    '       MONGODB_URI=mongodb://host:27017/telework npm start',
    '  2. A mongod binary already on this machine:',
    '       MONGOMS_SYSTEM_BINARY=/path/to/mongod npm start',
    '  3. Try it without MongoDB, with the in-memory stand-in and a demo organisation (nothing is kept):',
    '       npm run demo',
    '  4. Or the stand-in as its own process, and the server against it (for trying only; nothing is kept',
    '     once the stand-in stops):',
    '       npm run standin -- --port 27018',
    '       MONGODB_URI=mongodb://127.0.0.1:27018/telework npm start',
  ].join('\n');
}
