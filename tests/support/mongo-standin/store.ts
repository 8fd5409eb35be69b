// In-memory databases, collections and documents. Documents live in insertion order in an
// array (that is $natural order); every write goes through the collection so the unique
// index maps stay in step with the documents.
import { UUID } from 'bson';
import { CommandError } from './errors';
import { Index, ID_INDEX, type IndexSpec } from './indexes';
import type { Doc } from './values';

export class Collection {
  readonly docs: Doc[] = [];
  readonly indexes: Index[] = [new Index(ID_INDEX)];
  readonly uuid = new UUID();

  constructor(
    readonly db: string,
    readonly name: string,
    readonly options: Doc = {},
  ) {}

  get ns(): string {
    return `${this.db}.${this.name}`;
  }

  /** Throws E11000 (leaving everything untouched) if `doc` collides on a unique index. */
  checkUnique(doc: Doc, replacing?: Doc): void {
    for (const index of this.indexes) index.check(this.ns, doc, replacing);
  }

  insert(doc: Doc): void {
    this.checkUnique(doc);
    this.docs.push(doc);
    for (const index of this.indexes) index.add(doc);
  }

  replace(old: Doc, next: Doc): void {
    this.checkUnique(next, old);
    const at = this.docs.indexOf(old);
    if (at < 0) throw new Error('replace: document is not stored in this collection');
    for (const index of this.indexes) index.remove(old);
    this.docs[at] = next;
    for (const index of this.indexes) index.add(next);
  }

  remove(doc: Doc): void {
    const at = this.docs.indexOf(doc);
    if (at < 0) return;
    this.docs.splice(at, 1);
    for (const index of this.indexes) index.remove(doc);
  }

  /**
   * Documents that can match `filter`: for an equality on a field with a plain unique index
   * (`_id` or e.g. `email`) at most the one holding that key, found without a scan;
   * otherwise all. The filter itself is still applied by mingo.
   */
  candidates(filter: Doc | undefined): Doc[] {
    if (!filter) return this.docs;
    for (const index of this.indexes) {
      const field = index.exactLookupField;
      if (field === undefined || !(field in filter) || !isExactValue(filter[field])) continue;
      const doc = index.lookup(filter[field]);
      return doc ? [doc] : [];
    }
    return this.docs;
  }

  findIndex(name: string): Index | undefined {
    return this.indexes.find((i) => i.name === name);
  }

  addIndex(spec: IndexSpec): void {
    const index = new Index(spec);
    index.build(this.ns, this.docs);
    this.indexes.push(index);
  }

  dropIndex(name: string): void {
    const at = this.indexes.findIndex((i) => i.name === name);
    if (at >= 0) this.indexes.splice(at, 1);
  }
}

export class Database {
  readonly collections = new Map<string, Collection>();

  constructor(readonly name: string) {}

  get(name: string): Collection | undefined {
    return this.collections.get(name);
  }

  /** Collections are created implicitly by the first write, as in mongod. */
  ensure(name: string): { coll: Collection; created: boolean } {
    const existing = this.collections.get(name);
    if (existing) return { coll: existing, created: false };
    return { coll: this.create(name), created: true };
  }

  create(name: string, options: Doc = {}): Collection {
    if (this.collections.has(name)) {
      throw new CommandError('NamespaceExists', `Collection ${this.name}.${name} already exists.`);
    }
    if (!name || name.includes('$') || name.includes('\0')) {
      throw new CommandError('InvalidNamespace', `Invalid collection name: ${name}`);
    }
    const coll = new Collection(this.name, name, options);
    this.collections.set(name, coll);
    return coll;
  }

  drop(name: string): boolean {
    return this.collections.delete(name);
  }
}

export class Store {
  readonly databases = new Map<string, Database>();

  db(name: string): Database {
    let db = this.databases.get(name);
    if (!db) {
      db = new Database(name);
      this.databases.set(name, db);
    }
    return db;
  }

  dropDatabase(name: string): void {
    this.databases.delete(name);
  }
}

function isExactValue(v: unknown): boolean {
  if (v === null || v === undefined || Array.isArray(v) || v instanceof RegExp) return false;
  if (typeof v !== 'object') return true;
  if (Object.getPrototypeOf(v) !== Object.prototype) return true; // ObjectId, Date, UUID, ...
  return !Object.keys(v).some((k) => k.startsWith('$'));
}
