import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { MongoClient, type Document, type IndexDescription } from 'mongodb';

const cli = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../support/mongo-standin/cli.ts');

export interface StandinProcess {
  port: number;
  /** The URI of database `name` on it. */
  uri(name: string): string;
  /** SIGKILL: the database dies (its in-memory data with it). */
  kill(): Promise<void>;
  /** SIGSTOP: the port still accepts connections, nothing answers (a hung database). */
  pause(): void;
  /** SIGCONT: it answers again, everything it held intact. */
  resume(): void;
  stop(): Promise<void>;
}

/** The MongoDB stand-in as its own process, on `port` (0: any free one). */
export function startStandinProcess(port = 0): Promise<StandinProcess> {
  // node itself, not npx: signals must reach the process that serves the port.
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', cli, '--port', String(port)], {
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const m = /listening at mongodb:\/\/127\.0\.0\.1:(\d+)/.exec(out);
      if (!m) return;
      const p = Number(m[1]);
      resolve({
        port: p,
        uri: (name) => `mongodb://127.0.0.1:${p}/${name}?directConnection=true`,
        kill: async () => {
          child.kill('SIGKILL');
          await exited;
        },
        pause: () => void child.kill('SIGSTOP'),
        resume: () => void child.kill('SIGCONT'),
        stop: async () => {
          child.kill('SIGCONT');
          child.kill('SIGKILL');
          await exited;
        },
      });
    });
    child.once('exit', (code) => reject(new Error(`stand-in exited early (${code}): ${out}`)));
  });
}

export type Snapshot = Array<{ name: string; docs: Document[]; indexes: IndexDescription[] }>;

/** Every collection of a database, documents and indexes, to put back into a fresh stand-in. */
export async function snapshotDatabase(uri: string): Promise<Snapshot> {
  const client = await MongoClient.connect(uri);
  try {
    const db = client.db();
    const out: Snapshot = [];
    for (const { name } of await db.listCollections({}, { nameOnly: true }).toArray()) {
      const coll = db.collection(name);
      const indexes = (await coll.listIndexes().toArray())
        .filter((i) => i.name !== '_id_')
        .map(({ key, name: indexName, unique, sparse, partialFilterExpression }) => ({
          key,
          name: indexName,
          ...(unique ? { unique } : {}),
          ...(sparse ? { sparse } : {}),
          ...(partialFilterExpression ? { partialFilterExpression } : {}),
        }));
      out.push({ name, docs: await coll.find().toArray(), indexes });
    }
    return out;
  } finally {
    await client.close();
  }
}

export async function restoreDatabase(uri: string, snapshot: Snapshot): Promise<void> {
  const client = await MongoClient.connect(uri);
  try {
    const db = client.db();
    for (const { name, docs, indexes } of snapshot) {
      if (indexes.length) await db.collection(name).createIndexes(indexes);
      if (docs.length) await db.collection(name).insertMany(docs);
    }
  } finally {
    await client.close();
  }
}
