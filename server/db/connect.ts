import mongoose, { type Connection } from 'mongoose';

/** One mongoose connection per server instance (tests run several in one process). */
export async function connectDatabase(uri: string): Promise<Connection> {
  const conn = mongoose.createConnection(uri, {
    serverSelectionTimeoutMS: 10_000,
    // Indexes are built explicitly by each service's init() (createIndexes), before the server listens.
    autoIndex: false,
    // Lets tests count the commands a request sends (driver command monitoring).
    monitorCommands: true,
  });
  await conn.asPromise();
  return conn;
}
