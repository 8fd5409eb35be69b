// insert / update / delete / findAndModify. Batch commands report per-statement failures in
// `writeErrors` with ok: 1, exactly like mongod; findAndModify fails the whole command.
import { ObjectId } from 'bson';
import { CommandError, errorReply } from '../errors';
import { projector } from '../query';
import { applyUpdate, isOperatorUpdate, seedFromFilter } from '../update';
import { clone, cloneForStore, idFirst, type Doc } from '../values';
import { collectionArg, optionalDoc, type Context } from './context';
import type { Collection } from '../store';

interface WriteError {
  index: number;
  code: number;
  errmsg: string;
  [extra: string]: unknown;
}

function writeError(index: number, err: unknown): WriteError {
  const reply = errorReply(err);
  const { ok: _ok, codeName: _codeName, errmsg, code, ...extra } = reply;
  return { index, code: code as number, errmsg: errmsg as string, ...extra };
}

/** Runs each statement, stopping at the first failure unless `ordered: false`. */
function eachStatement<T>(items: T[], ordered: boolean, run: (item: T, index: number) => void): WriteError[] {
  const errors: WriteError[] = [];
  for (let i = 0; i < items.length; i++) {
    try {
      run(items[i], i);
    } catch (err) {
      errors.push(writeError(i, err));
      if (ordered) break;
    }
  }
  return errors;
}

function withErrors(reply: Doc, errors: WriteError[]): Doc {
  if (errors.length) reply.writeErrors = errors;
  return reply;
}

export function insert(cmd: Doc, ctx: Context): Doc {
  const name = collectionArg(cmd, 'insert');
  const docs = (cmd.documents as Doc[] | undefined) ?? [];
  const coll = ctx.store.db(ctx.dbName).ensure(name).coll;
  let n = 0;
  const errors = coll.batch(() =>
    eachStatement(docs, cmd.ordered !== false, (raw) => {
      if (Array.isArray(raw._id)) throw new CommandError('BadValue', "can't use an array for _id");
      const doc = '_id' in raw ? idFirst(cloneForStore(raw)) : { _id: new ObjectId(), ...cloneForStore(raw) };
      coll.insert(doc);
      n++;
    }),
  );
  return withErrors({ n, ok: 1 }, errors);
}

/** A new document for an upsert that matched nothing. */
function upsertDocument(filter: Doc | undefined, u: Doc | Doc[], arrayFilters: Doc[] | undefined, variables?: Doc): Doc {
  const seed = seedFromFilter(filter);
  let doc: Doc;
  if (Array.isArray(u) || isOperatorUpdate(u)) {
    doc = applyUpdate(seed, u, { inserting: true, arrayFilters, variables }).doc;
  } else {
    doc = clone(u);
    if (!('_id' in doc) && '_id' in seed) doc._id = seed._id;
  }
  if (!('_id' in doc)) doc._id = new ObjectId();
  return idFirst(doc);
}

export function update(cmd: Doc, ctx: Context): Doc {
  const name = collectionArg(cmd, 'update');
  const db = ctx.store.db(ctx.dbName);
  const statements = (cmd.updates as Doc[] | undefined) ?? [];
  let n = 0;
  let nModified = 0;
  const upserted: Doc[] = [];
  const errors = eachStatement(statements, cmd.ordered !== false, (s, index) => {
    const filter = optionalDoc(s.q) ?? {};
    const u = s.u as Doc | Doc[];
    const variables = optionalDoc(s.c) ?? optionalDoc(cmd.let);
    const arrayFilters = s.arrayFilters as Doc[] | undefined;
    if (s.multi && !Array.isArray(u) && !isOperatorUpdate(u) && Object.keys(u).length > 0) {
      throw new CommandError('FailedToParse', 'multi update is not supported for replacement-style update');
    }
    const coll = db.get(name);
    const opts = { sort: optionalDoc(s.sort), limit: s.multi ? undefined : 1, collation: optionalDoc(s.collation), variables };
    const matched = coll ? coll.select(filter, opts) : [];
    if (matched.length === 0) {
      if (!s.upsert) return;
      const doc = upsertDocument(filter, u, arrayFilters, variables);
      db.ensure(name).coll.insert(doc);
      n++;
      upserted.push({ index, _id: doc._id });
      return;
    }
    for (const old of matched) {
      const { doc, modified } = applyUpdate(old, u, { filter, arrayFilters, variables });
      n++;
      if (modified) {
        (coll as Collection).replace(old, idFirst(doc));
        nModified++;
      }
    }
  });
  const reply: Doc = { n, nModified };
  if (upserted.length) reply.upserted = upserted;
  reply.ok = 1;
  return withErrors(reply, errors);
}

export function remove(cmd: Doc, ctx: Context): Doc {
  const name = collectionArg(cmd, 'delete');
  const coll = ctx.store.db(ctx.dbName).get(name);
  const statements = (cmd.deletes as Doc[] | undefined) ?? [];
  let n = 0;
  const errors = eachStatement(statements, cmd.ordered !== false, (s) => {
    if (!coll) return;
    const limit = Number(s.limit) === 1 ? 1 : undefined;
    const opts = { limit, collation: optionalDoc(s.collation), variables: optionalDoc(cmd.let) };
    const matched = coll.select(optionalDoc(s.q), opts);
    for (const doc of matched) coll.remove(doc);
    n += matched.length;
  });
  return withErrors({ n, ok: 1 }, errors);
}

export function findAndModify(cmd: Doc, ctx: Context): Doc {
  const name = typeof cmd.findAndModify === 'string' ? collectionArg(cmd, 'findAndModify') : collectionArg(cmd, 'findandmodify');
  const db = ctx.store.db(ctx.dbName);
  const filter = optionalDoc(cmd.query) ?? {};
  const u = cmd.update as Doc | Doc[] | undefined;
  const variables = optionalDoc(cmd.let);
  const arrayFilters = cmd.arrayFilters as Doc[] | undefined;
  if (cmd.remove && u !== undefined) throw new CommandError('FailedToParse', 'Cannot specify both an update and remove=true');
  if (!cmd.remove && u === undefined) throw new CommandError('FailedToParse', 'Either an update or remove=true must be specified');
  if (cmd.remove && cmd.new) throw new CommandError('FailedToParse', 'Cannot specify both new=true and remove=true; \'remove\' always returns the deleted document');

  const coll = db.get(name);
  const opts = { sort: optionalDoc(cmd.sort), limit: 1, collation: optionalDoc(cmd.collation), variables };
  const [target] = coll ? coll.select(filter, opts) : [];
  const project = projector(optionalDoc(cmd.fields), filter);

  if (cmd.remove) {
    if (target) (coll as Collection).remove(target);
    return { lastErrorObject: { n: target ? 1 : 0 }, value: target ? project(target) : null, ok: 1 };
  }
  const update = u as Doc | Doc[];
  if (target) {
    const { doc, modified } = applyUpdate(target, update, { filter, arrayFilters, variables });
    const stored = idFirst(doc);
    if (modified) (coll as Collection).replace(target, stored);
    return {
      lastErrorObject: { n: 1, updatedExisting: true },
      value: project(cmd.new ? stored : target),
      ok: 1,
    };
  }
  if (cmd.upsert) {
    const doc = upsertDocument(filter, update, arrayFilters, variables);
    db.ensure(name).coll.insert(doc);
    return {
      lastErrorObject: { n: 1, updatedExisting: false, upserted: doc._id },
      value: cmd.new ? project(doc) : null,
      ok: 1,
    };
  }
  return { lastErrorObject: { n: 0, updatedExisting: false }, value: null, ok: 1 };
}
