import mongoose, { type Connection } from 'mongoose';

/**
 * How long the database may leave us without an answer before we call it down. The driver's own
 * timeouts are set from it so that, with MongoDB dead or hung, an operation fails within about a
 * second instead of waiting (mongoose's 10 s buffering, the driver's 30 s connect timeout).
 */
export const DB_DOWN_AFTER_MS = 1000;

/** One mongoose connection per server instance (tests run several in one process). */
export async function connectDatabase(uri: string, opts: { monitorCommands?: boolean } = {}): Promise<Connection> {
  const conn = mongoose.createConnection(uri, {
    // Dead database (connection refused, no primary): an operation waits at most this long for a server.
    serverSelectionTimeoutMS: DB_DOWN_AFTER_MS,
    // The monitor checks the server every 500 ms (the driver's minimum); a hello that gets no answer
    // within connectTimeoutMS marks it unknown and interrupts the operations in flight on it (a hung
    // server). Kept above DB_DOWN_AFTER_MS: the health watcher answers requests sooner, and a busy
    // but live server is not cut off.
    heartbeatFrequencyMS: 500,
    connectTimeoutMS: 2 * DB_DOWN_AFTER_MS,
    // Never queue operations while disconnected (mongoose would hold them 10 s): fail, and let the
    // caller answer `unavailable`.
    bufferCommands: false,
    // Per-command events (DB_COMMAND_MONITORING): the latency metric, and tests count the commands
    // a request issues (`commandStarted`). Off, the health watcher still hears pings and heartbeats.
    monitorCommands: opts.monitorCommands ?? false,
    // Indexes are built explicitly by each service's init() (createIndexes), before the server listens.
    autoIndex: false,
  });
  await conn.asPromise();
  return conn;
}
