// Which MongoDB the tests talk to, in order of preference:
//   1. TEST_MONGODB_URI, if set (a real mongod you run yourself);
//   2. mongodb-memory-server, but only if a mongod binary is already on this machine
//      (MONGOMS_SYSTEM_BINARY or a cached download) — it never downloads from here;
//   3. the in-process stand-in (tests/support/mongo-standin), which always works offline.
// Set TEST_MONGODB_STANDIN=1 to skip step 2.
import { existsSync, readdirSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { inject } from 'vitest';
import { startStandin } from './mongo-standin/index';

export type DatabaseKind = 'external' | 'mongodb-memory-server' | 'standin';

export interface TestDatabase {
  uri: string;
  kind: DatabaseKind;
  stop(): Promise<void>;
}

const MEMORY_SERVER_TIMEOUT_MS = 20_000;

export async function startTestDatabase(): Promise<TestDatabase> {
  const external = process.env.TEST_MONGODB_URI;
  if (external) return { uri: external, kind: 'external', stop: async () => {} };

  if (!process.env.TEST_MONGODB_STANDIN && mongodBinaryAvailable()) {
    try {
      return await startMemoryServer();
    } catch (err) {
      console.warn(`[tests] mongodb-memory-server did not start (${(err as Error).message}); using the stand-in`);
    }
  }

  const standin = await startStandin();
  return { uri: standin.uri, kind: 'standin', stop: () => standin.stop() };
}

function mongodBinaryAvailable(): boolean {
  if (process.env.MONGOMS_SYSTEM_BINARY) return true;
  const dirs = [
    process.env.MONGOMS_DOWNLOAD_DIR,
    path.resolve('node_modules/.cache/mongodb-memory-server'),
    path.join(homedir(), '.cache/mongodb-binaries'),
    path.resolve('mongodb-binaries'),
  ];
  return dirs.some((dir) => dir && existsSync(dir) && readdirSync(dir).some((f) => f.startsWith('mongod')));
}

async function startMemoryServer(): Promise<TestDatabase> {
  // Never download at test time: offline that would hang until a network timeout.
  process.env.MONGOMS_RUNTIME_DOWNLOAD ??= 'false';
  const { MongoMemoryServer } = await import('mongodb-memory-server-core');
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no start within ${MEMORY_SERVER_TIMEOUT_MS} ms`)), MEMORY_SERVER_TIMEOUT_MS);
  });
  const creating = MongoMemoryServer.create();
  try {
    const server = await Promise.race([creating, timeout]);
    return { uri: server.getUri(), kind: 'mongodb-memory-server', stop: async () => void (await server.stop()) };
  } catch (err) {
    // If it comes up after all, do not leave a mongod behind.
    creating.then((s) => s.stop()).catch(() => {});
    throw err;
  } finally {
    clearTimeout(timer);
  }
}

/** A fresh database name, e.g. `users_1a2b3c4d`. */
export function uniqueDbName(prefix = 'test'): string {
  return `${prefix.replace(/[^A-Za-z0-9_-]/g, '_')}_${randomUUID().replace(/-/g, '').slice(0, 8)}`.slice(0, 63);
}

/**
 * The test database URI with `name` as its database (a fresh unique name when omitted),
 * keeping the host list and query string, e.g.
 * `mongodb://127.0.0.1:1234/?directConnection=true` → `mongodb://127.0.0.1:1234/chat_1a2b?directConnection=true`.
 * `base` defaults to the URI the global setup provided.
 */
export function testDbUri(name: string = uniqueDbName(), base?: string): string {
  const uri = base ?? inject('mongoUri');
  const match = /^(mongodb(?:\+srv)?:\/\/[^/?]+)(?:\/[^?]*)?(\?.*)?$/.exec(uri);
  if (!match) throw new Error(`not a MongoDB URI: ${uri}`);
  const dbName = name.replace(/[/\\. "$*<>:|?]/g, '_').slice(0, 63);
  return `${match[1]}/${dbName}${match[2] ?? ''}`;
}
