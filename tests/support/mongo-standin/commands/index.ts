// Command dispatch: one switch from command name to handler, and the refusals for what the
// stand-in deliberately does not do (transactions, change streams, auth, ...).
import { CommandError, errorReply } from '../errors';
import type { Doc } from '../values';
import type { Context } from './context';
import * as catalog from './catalog';
import { explain } from './explain';
import * as handshake from './handshake';
import * as read from './read';
import { collStats } from './stats';
import * as write from './write';

export type { Context } from './context';

// Real MongoDB commands the stand-in knows about but refuses (CommandNotSupported, 115),
// as opposed to names it has never heard of (CommandNotFound, 59).
const REFUSED: Record<string, string> = {
  commitTransaction: 'transactions are not supported by the MongoDB stand-in',
  abortTransaction: 'transactions are not supported by the MongoDB stand-in',
  saslStart: 'authentication is not supported by the MongoDB stand-in; use a URI without credentials',
  saslContinue: 'authentication is not supported by the MongoDB stand-in; use a URI without credentials',
  authenticate: 'authentication is not supported by the MongoDB stand-in; use a URI without credentials',
  mapReduce: 'mapReduce is not supported by the MongoDB stand-in; use aggregate',
  collMod: 'collMod is not supported by the MongoDB stand-in',
  bulkWrite: 'the bulkWrite command (MongoDB 8.0) is not supported by the MongoDB stand-in',
  createUser: 'users and roles are not supported by the MongoDB stand-in',
  validate: 'validate is not supported by the MongoDB stand-in',
};

export function runCommand(cmd: Doc, ctx: Context): Doc {
  const name = Object.keys(cmd)[0] ?? '';
  try {
    if (cmd.startTransaction === true || cmd.autocommit === false) {
      throw new CommandError(
        'CommandNotSupported',
        `transactions are not supported by the MongoDB stand-in: '${name}' was sent as part of a transaction (startTransaction/autocommit: false)`,
      );
    }
    return dispatch(name, cmd, ctx);
  } catch (err) {
    return errorReply(err);
  }
}

function dispatch(name: string, cmd: Doc, ctx: Context): Doc {
  switch (name) {
    case 'hello':
    case 'isMaster':
    case 'ismaster':
      return handshake.hello(cmd, ctx);
    case 'ping':
      return { ok: 1 };
    case 'buildInfo':
    case 'buildinfo':
      return handshake.buildInfo();
    case 'getParameter':
      return handshake.getParameter(cmd);
    case 'getLog':
      return { log: [], totalLinesWritten: 0, ok: 1 };
    case 'serverStatus':
      return handshake.serverStatus(cmd, ctx);
    case 'whatsmyuri':
      return handshake.whatsmyuri(cmd, ctx);
    case 'connectionStatus':
      return handshake.connectionStatus();
    case 'endSessions':
    case 'killSessions':
    case 'killAllSessions':
    case 'refreshSessions':
      return { ok: 1 };

    case 'insert':
      return write.insert(cmd, ctx);
    case 'update':
      return write.update(cmd, ctx);
    case 'delete':
      return write.remove(cmd, ctx);
    case 'findAndModify':
    case 'findandmodify':
      return write.findAndModify(cmd, ctx);

    case 'find':
      return read.find(cmd, ctx);
    case 'explain':
      return explain(cmd, ctx);
    case 'getMore':
      return read.getMore(cmd, ctx);
    case 'killCursors':
      return read.killCursors(cmd, ctx);
    case 'count':
      return read.count(cmd, ctx);
    case 'distinct':
      return read.distinct(cmd, ctx);
    case 'aggregate':
      return read.aggregate(cmd, ctx);
    case 'collStats':
      return collStats(cmd, ctx);
    case 'fsync':
      // Nothing to flush in memory; mongod answers once its checkpoint is written.
      return { numFiles: 1, ok: 1 };

    case 'create':
      return catalog.create(cmd, ctx);
    case 'drop':
      return catalog.drop(cmd, ctx);
    case 'dropDatabase':
      return catalog.dropDatabase(cmd, ctx);
    case 'listCollections':
      return catalog.listCollections(cmd, ctx);
    case 'listDatabases':
      return catalog.listDatabases(cmd, ctx);
    case 'renameCollection':
      return catalog.renameCollection(cmd, ctx);
    case 'createIndexes':
      return catalog.createIndexes(cmd, ctx);
    case 'listIndexes':
      return catalog.listIndexes(cmd, ctx);
    case 'dropIndexes':
    case 'deleteIndexes':
      return catalog.dropIndexes({ ...cmd, dropIndexes: cmd[name] }, ctx);
  }
  if (Object.hasOwn(REFUSED, name)) throw new CommandError('CommandNotSupported', `${name}: ${REFUSED[name]}`);
  throw new CommandError('CommandNotFound', `no such command: '${name}' (the MongoDB stand-in does not implement it)`);
}
