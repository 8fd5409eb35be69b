import { MongoClient, type Document } from 'mongodb';
import { startStandin, type RunningStandin } from './mongo-standin/index';

/**
 * A database of the test's own that the test can stop (an outage: connections refused) and start
 * again on the same port. It is the in-repo stand-in, in this process; it keeps its data in
 * memory, so it comes back empty: `copy` and `restore` carry the documents a test needs across.
 */
export interface StoppableDatabase {
  /** A URI for database `name` on it. */
  uri(name: string): string;
  stop(): Promise<void>;
  start(): Promise<void>;
  /** The documents of `collection` in database `name`. */
  copy(name: string, collection: string, filter?: Document): Promise<Document[]>;
  restore(name: string, collection: string, docs: Document[]): Promise<void>;
  close(): Promise<void>;
}

export async function startStoppableDatabase(): Promise<StoppableDatabase> {
  let standin: RunningStandin | null = await startStandin();
  const port = standin.port;
  const uri = (name: string) => `mongodb://127.0.0.1:${port}/${name}?directConnection=true`;
  async function withClient<T>(name: string, run: (client: MongoClient) => Promise<T>): Promise<T> {
    const client = new MongoClient(uri(name), { serverSelectionTimeoutMS: 5000 });
    try {
      return await run(client);
    } finally {
      await client.close();
    }
  }
  return {
    uri,
    async stop() {
      await standin?.stop();
      standin = null;
    },
    async start() {
      standin ??= await startStandin({ port });
    },
    copy: (name, collection, filter = {}) => withClient(name, (c) => c.db(name).collection(collection).find(filter).toArray()),
    restore: async (name, collection, docs) => {
      if (docs.length) await withClient(name, (c) => c.db(name).collection(collection).insertMany(docs));
    },
    async close() {
      await standin?.stop();
      standin = null;
    },
  };
}
