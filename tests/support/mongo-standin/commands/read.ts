// find / getMore / killCursors / count / distinct / aggregate.
import { Long, ObjectId } from 'bson';
import { compare } from 'mingo/util';
import { CommandError } from '../errors';
import { pathValues } from '../indexes';
import { projector, runPipeline, type QueryExtras } from '../query';
import type { LookupOptions } from '../store';
import { clone, idFirst, keyString, type Doc } from '../values';
import { collectionArg, optionalDoc, optionalNumber, type Context } from './context';
import { collStatsStage } from './stats';

export function find(cmd: Doc, ctx: Context): Doc {
  const name = collectionArg(cmd, 'find');
  const coll = ctx.store.db(ctx.dbName).get(name);
  const filter = optionalDoc(cmd.filter) ?? {};
  let limit = optionalNumber(cmd.limit);
  let singleBatch = cmd.singleBatch === true;
  if (limit !== undefined && limit < 0) {
    // Legacy negative limit: that many documents in one batch, no cursor.
    limit = -limit;
    singleBatch = true;
  }
  const extras = { collation: optionalDoc(cmd.collation), variables: optionalDoc(cmd.let) };
  const opts = { ...extras, sort: optionalDoc(cmd.sort), skip: optionalNumber(cmd.skip), limit: limit || undefined };
  const docs = coll ? coll.select(filter, opts) : [];
  const project = projector(optionalDoc(cmd.projection), filter, extras);
  return ctx.cursors.first(`${ctx.dbName}.${name}`, docs.map(project), optionalNumber(cmd.batchSize), singleBatch);
}

export function getMore(cmd: Doc, ctx: Context): Doc {
  const id = cmd.getMore;
  if (!(id instanceof Long) && typeof id !== 'number') {
    throw new CommandError('TypeMismatch', "Field 'getMore' must be of type long");
  }
  const ns = `${ctx.dbName}.${String(cmd.collection)}`;
  return ctx.cursors.more(id, ns, optionalNumber(cmd.batchSize));
}

export function killCursors(cmd: Doc, ctx: Context): Doc {
  const ids = (cmd.cursors as Array<Long | number> | undefined) ?? [];
  const { killed, notFound } = ctx.cursors.kill(ids);
  return { cursorsKilled: killed, cursorsNotFound: notFound, cursorsAlive: [], cursorsUnknown: [], ok: 1 };
}

export function count(cmd: Doc, ctx: Context): Doc {
  const name = collectionArg(cmd, 'count');
  const coll = ctx.store.db(ctx.dbName).get(name);
  if (!coll) return { n: 0, ok: 1 };
  const limit = Math.abs(optionalNumber(cmd.limit) ?? 0) || undefined;
  const opts = { skip: optionalNumber(cmd.skip), limit, collation: optionalDoc(cmd.collation) };
  const docs = coll.select(optionalDoc(cmd.query), opts);
  return { n: docs.length, ok: 1 };
}

export function distinct(cmd: Doc, ctx: Context): Doc {
  const name = collectionArg(cmd, 'distinct');
  if (typeof cmd.key !== 'string') throw new CommandError('TypeMismatch', "BSON field 'distinct.key' is missing or not a string");
  const coll = ctx.store.db(ctx.dbName).get(name);
  const opts = { collation: optionalDoc(cmd.collation) };
  const docs = coll ? coll.select(optionalDoc(cmd.query), opts) : [];
  const seen = new Map<string, unknown>();
  for (const doc of docs) {
    for (const v of pathValues(doc, cmd.key.split('.'))) {
      if (v === undefined) continue;
      const k = keyString(v);
      if (!seen.has(k)) seen.set(k, clone(v));
    }
  }
  // mongod collects distinct values in an ordered set, so they come back sorted.
  return { values: [...seen.values()].sort(compare), ok: 1 };
}

const REFUSED_STAGES: Record<string, string> = {
  $changeStream: 'change streams need a replica set; the MongoDB stand-in has no oplog',
  $merge: 'the MongoDB stand-in does not implement $merge',
  $search: 'Atlas Search is not available in the MongoDB stand-in',
  $vectorSearch: 'Atlas Vector Search is not available in the MongoDB stand-in',
  $geoNear: 'geospatial queries are not supported by the MongoDB stand-in',
  $indexStats: 'the MongoDB stand-in does not implement $indexStats',
  $currentOp: 'the MongoDB stand-in does not implement $currentOp',
  $listSessions: 'the MongoDB stand-in does not implement $listSessions',
};

export function aggregate(cmd: Doc, ctx: Context): Doc {
  const pipeline = cmd.pipeline;
  if (!Array.isArray(pipeline)) throw new CommandError('TypeMismatch', "'pipeline' option must be specified as an array");
  for (const stage of pipeline as Doc[]) {
    const op = Object.keys(stage)[0];
    if (Object.hasOwn(REFUSED_STAGES, op)) {
      throw new CommandError('CommandNotSupported', `aggregate stage ${op} is not supported: ${REFUSED_STAGES[op]}`);
    }
  }
  if (cmd.explain) throw new CommandError('CommandNotSupported', 'aggregate with explain is not supported by the MongoDB stand-in');

  const db = ctx.store.db(ctx.dbName);
  const onCollection = typeof cmd.aggregate === 'string';
  const name = onCollection ? (cmd.aggregate as string) : '$cmd.aggregate';
  let stages = pipeline as Doc[];
  // $collStats must come first and produces the pipeline's one input document.
  const stats = optionalDoc(stages[0]?.$collStats);
  if (stages.slice(1).some((s) => '$collStats' in s) || (stats && !onCollection)) {
    throw new CommandError('Location40602', '$collStats is only valid as the first stage in a pipeline on a collection');
  }
  if (stats) stages = stages.slice(1);
  const coll = onCollection ? db.get(name) : undefined;
  const source = stats
    ? [collStatsStage(stats, name, ctx)]
    : coll
      ? clone(coll.candidates(...leadingQuery(pipeline as Doc[], { collation: optionalDoc(cmd.collation), variables: optionalDoc(cmd.let) })))
      : [];

  const last = stages[stages.length - 1];
  const out = last && '$out' in last ? last.$out : undefined;
  if (out !== undefined) stages = stages.slice(0, -1);

  let result: Doc[];
  try {
    result = runPipeline(source, stages, {
      collation: optionalDoc(cmd.collation),
      variables: optionalDoc(cmd.let),
      // $lookup/$unionWith/$graphLookup read other collections of the same database.
      collectionResolver: (other) => clone(db.get(other)?.docs ?? []),
    });
  } catch (err) {
    const unknown = /(?:unknown|unregistered) pipeline operator:? '?(\$\w+)'?/i.exec(err instanceof Error ? err.message : '');
    if (unknown) throw new CommandError('Location40324', `Unrecognized pipeline stage name: '${unknown[1]}'`);
    throw err;
  }

  // mingo appends _id after projected fields; mongod puts it first.
  result = result.map(idFirst);
  if (out !== undefined) {
    writeOut(ctx, out, result);
    result = [];
  }
  const batchSize = optionalNumber(optionalDoc(cmd.cursor)?.batchSize);
  return ctx.cursors.first(`${ctx.dbName}.${name}`, result, batchSize);
}

/**
 * What the leading stages ask of the collection — `$match`, then `$sort`, `$skip`, `$limit` —
 * so the planner can serve them from an index. The pipeline still runs them all on the result.
 */
export function leadingQuery(pipeline: Doc[], extras: QueryExtras): [Doc | undefined, LookupOptions] {
  let i = 0;
  const filter = optionalDoc(pipeline[0]?.$match);
  if (filter) i++;
  const opts: LookupOptions = { ...extras };
  const sort = optionalDoc(pipeline[i]?.$sort);
  if (!sort) return [filter, opts];
  opts.sort = sort;
  i++;
  let skip = 0;
  while (pipeline[i] && '$skip' in pipeline[i]) skip += optionalNumber(pipeline[i++].$skip) ?? 0;
  const limit = optionalNumber(pipeline[i]?.$limit);
  if (limit !== undefined && limit > 0) {
    opts.skip = skip;
    opts.limit = limit;
  }
  return [filter, opts];
}

/** $out replaces the target collection's documents, keeping its indexes. */
function writeOut(ctx: Context, out: unknown, docs: Doc[]): void {
  const target = typeof out === 'string' ? { db: ctx.dbName, coll: out } : (out as { db?: string; coll: string });
  const db = ctx.store.db(target.db ?? ctx.dbName);
  const coll = db.ensure(target.coll).coll;
  for (const doc of [...coll.docs]) coll.remove(doc);
  for (const doc of docs) coll.insert('_id' in doc ? doc : { _id: new ObjectId(), ...doc });
}
