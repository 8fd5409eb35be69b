// Databases, collections and indexes: create/drop/list, createIndexes/listIndexes/dropIndexes.
import { CommandError } from '../errors';
import { defaultIndexName, ID_INDEX, type IndexSpec } from '../indexes';
import { select } from '../query';
import { Collection } from '../store';
import { clone, keyString, type Doc } from '../values';
import { collectionArg, optionalDoc, optionalNumber, type Context } from './context';

export function create(cmd: Doc, ctx: Context): Doc {
  const name = collectionArg(cmd, 'create');
  if (cmd.viewOn !== undefined) throw new CommandError('CommandNotSupported', 'views (create with viewOn) are not supported by the MongoDB stand-in');
  const { create: _c, $db: _d, lsid: _l, $clusterTime: _t, writeConcern: _w, $readPreference: _r, ...options } = cmd;
  ctx.store.db(ctx.dbName).create(name, options);
  return { ok: 1 };
}

export function drop(cmd: Doc, ctx: Context): Doc {
  const name = collectionArg(cmd, 'drop');
  const db = ctx.store.db(ctx.dbName);
  const coll = db.get(name);
  // Since MongoDB 7.0 dropping a missing collection succeeds.
  if (!coll) return { ok: 1 };
  db.drop(name);
  return { nIndexesWas: coll.indexes.length, ns: coll.ns, ok: 1 };
}

export function dropDatabase(_cmd: Doc, ctx: Context): Doc {
  ctx.store.dropDatabase(ctx.dbName);
  return { ok: 1 };
}

export function listCollections(cmd: Doc, ctx: Context): Doc {
  const db = ctx.store.db(ctx.dbName);
  const infos: Doc[] = [...db.collections.values()].map((c) =>
    cmd.nameOnly
      ? { name: c.name, type: 'collection' }
      : {
          name: c.name,
          type: 'collection',
          options: c.options,
          info: { readOnly: false, uuid: c.uuid },
          idIndex: { ...ID_INDEX },
        },
  );
  const filter = optionalDoc(cmd.filter);
  const docs = filter ? select(infos, filter) : infos;
  const batchSize = optionalNumber(optionalDoc(cmd.cursor)?.batchSize);
  return ctx.cursors.first(`${ctx.dbName}.$cmd.listCollections`, docs, batchSize);
}

export function listDatabases(cmd: Doc, ctx: Context): Doc {
  const infos: Doc[] = [];
  for (const db of ctx.store.databases.values()) {
    if (db.collections.size === 0) continue;
    infos.push(cmd.nameOnly ? { name: db.name } : { name: db.name, sizeOnDisk: 0, empty: false });
  }
  const filter = optionalDoc(cmd.filter);
  const databases = filter ? select(infos, filter) : infos;
  return cmd.nameOnly ? { databases, ok: 1 } : { databases, totalSize: 0, totalSizeMb: 0, ok: 1 };
}

export function renameCollection(cmd: Doc, ctx: Context): Doc {
  const [fromDb, ...fromRest] = String(cmd.renameCollection).split('.');
  const [toDb, ...toRest] = String(cmd.to).split('.');
  const source = ctx.store.db(fromDb).get(fromRest.join('.'));
  if (!source) throw new CommandError('NamespaceNotFound', 'Source collection does not exist');
  const target = ctx.store.db(toDb);
  const toName = toRest.join('.');
  if (target.get(toName)) {
    if (!cmd.dropTarget) throw new CommandError('NamespaceExists', 'target namespace exists');
    target.drop(toName);
  }
  const moved: Collection = target.create(toName, source.options);
  for (const index of source.indexes) if (index.name !== '_id_') moved.addIndex(index.spec);
  for (const doc of source.docs) moved.insert(doc);
  ctx.store.db(fromDb).drop(source.name);
  return { ok: 1 };
}

// Options that change what an index means; two specs with the same key conflict if these differ.
const MEANINGFUL_OPTIONS = ['unique', 'sparse', 'partialFilterExpression', 'expireAfterSeconds', 'collation'];

function normalizeSpec(raw: Doc): IndexSpec {
  const key = optionalDoc(raw.key);
  if (!key || Object.keys(key).length === 0) throw new CommandError('BadValue', 'Index keys cannot be empty.');
  const spec: IndexSpec = { ...raw, v: 2, key, name: typeof raw.name === 'string' ? raw.name : defaultIndexName(key) };
  delete spec.ns;
  if (!spec.unique) delete spec.unique;
  if (!spec.sparse) delete spec.sparse;
  if (spec.name === '_id_') return { ...ID_INDEX };
  // v, key, name first, as mongod lists them.
  const { v, key: k, name, ...options } = spec;
  return { v, key: k, name, ...options };
}

function sameOptions(a: IndexSpec, b: IndexSpec): boolean {
  return MEANINGFUL_OPTIONS.every((o) => keyString(a[o]) === keyString(b[o]));
}

export function createIndexes(cmd: Doc, ctx: Context): Doc {
  const name = collectionArg(cmd, 'createIndexes');
  const specs = cmd.indexes;
  if (!Array.isArray(specs) || specs.length === 0) throw new CommandError('BadValue', 'Must specify at least one index to create');
  const { coll, created } = ctx.store.db(ctx.dbName).ensure(name);
  const before = coll.indexes.length;
  for (const raw of specs as Doc[]) {
    const spec = normalizeSpec(raw);
    const sameName = coll.findIndex(spec.name);
    const sameKey = coll.indexes.find((i) => keyString(i.spec.key) === keyString(spec.key) && sameOptions(i.spec, spec));
    if (sameName) {
      if (keyString(sameName.spec.key) === keyString(spec.key) && sameOptions(sameName.spec, spec)) continue;
      throw new CommandError(
        'IndexKeySpecsConflict',
        `An existing index has the same name as the requested index. When index names are not specified, they are auto generated and can cause conflicts. Please refer to our documentation. Requested index: ${JSON.stringify(spec)}, existing index: ${JSON.stringify(sameName.spec)}`,
      );
    }
    if (sameKey) throw new CommandError('IndexOptionsConflict', `Index already exists with a different name: ${sameKey.name}`);
    coll.addIndex(spec);
  }
  const reply: Doc = { numIndexesBefore: before, numIndexesAfter: coll.indexes.length, createdCollectionAutomatically: created };
  if (before === coll.indexes.length) reply.note = 'all indexes already exist';
  reply.ok = 1;
  return reply;
}

export function listIndexes(cmd: Doc, ctx: Context): Doc {
  const name = collectionArg(cmd, 'listIndexes');
  const coll = ctx.store.db(ctx.dbName).get(name);
  if (!coll) throw new CommandError('NamespaceNotFound', `ns does not exist: ${ctx.dbName}.${name}`);
  const batchSize = optionalNumber(optionalDoc(cmd.cursor)?.batchSize);
  return ctx.cursors.first(`${ctx.dbName}.$cmd.listIndexes.${name}`, coll.indexes.map((i) => clone(i.spec) as Doc), batchSize);
}

export function dropIndexes(cmd: Doc, ctx: Context): Doc {
  const name = collectionArg(cmd, 'dropIndexes');
  const coll = ctx.store.db(ctx.dbName).get(name);
  if (!coll) throw new CommandError('NamespaceNotFound', `ns not found ${ctx.dbName}.${name}`);
  const was = coll.indexes.length;
  const target = cmd.index;
  let names: string[];
  if (target === '*') {
    names = coll.indexes.map((i) => i.name).filter((n) => n !== '_id_');
  } else if (typeof target === 'string') {
    names = [target];
  } else if (Array.isArray(target)) {
    names = target.map(String);
  } else if (optionalDoc(target)) {
    const found = coll.indexes.find((i) => keyString(i.spec.key) === keyString(target));
    if (!found) throw new CommandError('IndexNotFound', `can't find index with key: ${JSON.stringify(target)}`);
    names = [found.name];
  } else {
    throw new CommandError('BadValue', "dropIndexes needs 'index' as a name, key pattern, list of names or '*'");
  }
  for (const n of names) {
    if (n === '_id_') throw new CommandError('InvalidOptions', 'cannot drop _id index');
    if (!coll.findIndex(n)) throw new CommandError('IndexNotFound', `index not found with name [${n}]`);
  }
  for (const n of names) coll.dropIndex(n);
  return { nIndexesWas: was, ok: 1 };
}
