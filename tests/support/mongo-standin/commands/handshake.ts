// Handshake and server-information commands: enough for the driver's connection setup and
// monitoring, and for tools that ask which server they talk to.
import type { Context } from './context';
import type { Doc } from '../values';

const MAX_BSON_OBJECT_SIZE = 16 * 1024 * 1024;
const MAX_MESSAGE_SIZE_BYTES = 48_000_000;
const MAX_WRITE_BATCH_SIZE = 100_000;
export const VERSION = '7.0.0';
const startedAt = Date.now();

export function hello(cmd: Doc, ctx: Context): Doc {
  const legacy = 'isMaster' in cmd || 'ismaster' in cmd;
  return {
    helloOk: true,
    isWritablePrimary: true,
    ...(legacy ? { ismaster: true } : {}),
    // No topologyVersion: without it the driver polls instead of using streaming (exhaust) hellos.
    maxBsonObjectSize: MAX_BSON_OBJECT_SIZE,
    maxMessageSizeBytes: MAX_MESSAGE_SIZE_BYTES,
    maxWriteBatchSize: MAX_WRITE_BATCH_SIZE,
    localTime: new Date(),
    // Advertised like a real standalone mongod: the driver then accepts explicit sessions, so
    // an application that starts a transaction reaches the stand-in and gets a clear refusal
    // instead of a client-side "does not support sessions". lsid on commands is ignored.
    logicalSessionTimeoutMinutes: 30,
    connectionId: ctx.connectionId,
    minWireVersion: 0,
    maxWireVersion: 21, // MongoDB 7.0
    readOnly: false,
    ok: 1,
  };
}

export function buildInfo(): Doc {
  return {
    version: VERSION,
    gitVersion: 'mongo-standin',
    versionArray: [7, 0, 0, 0],
    modules: [],
    allocator: 'system',
    javascriptEngine: 'none',
    sysInfo: 'deprecated',
    bits: 64,
    debug: false,
    maxBsonObjectSize: MAX_BSON_OBJECT_SIZE,
    storageEngines: ['memory'],
    standin: 'mingo + bson in-memory MongoDB stand-in',
    ok: 1,
  };
}

export function getParameter(cmd: Doc): Doc {
  const known: Doc = { featureCompatibilityVersion: { version: '7.0' } };
  const reply: Doc = { ok: 1 };
  if (cmd.getParameter === '*' || (cmd.getParameter as Doc)?.allParameters) Object.assign(reply, known);
  for (const key of Object.keys(known)) if (cmd[key] !== undefined) reply[key] = known[key];
  return reply;
}

export function serverStatus(_cmd: Doc, ctx: Context): Doc {
  return {
    host: `127.0.0.1:${ctx.port}`,
    version: VERSION,
    process: 'mongod',
    pid: process.pid,
    uptime: Math.floor((Date.now() - startedAt) / 1000),
    localTime: new Date(),
    ok: 1,
  };
}

export function whatsmyuri(_cmd: Doc, ctx: Context): Doc {
  return { you: `127.0.0.1:${ctx.port}`, ok: 1 };
}

export function connectionStatus(): Doc {
  return { authInfo: { authenticatedUsers: [], authenticatedUserRoles: [] }, ok: 1 };
}
