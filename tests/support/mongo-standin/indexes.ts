// Index catalogue entries. Every index on plain ascending/descending keys keeps an ordered
// B+ tree (sorted-btree) of [key values…, record id] keys, which the planner walks (the
// document is looked up by record id: a value per entry would cost 8 bytes × tens of millions
// of multikey entries, and sorted-btree shares one array for leaves without values);
// unique indexes refuse a second document under a key (mongod's E11000 error) by looking the
// key up in that tree (text/hashed indexes keep no tree, so theirs use a key map).
import BTreeExport from 'sorted-btree';
import { CommandError } from './errors';
import { keyCombos, fieldValues, pathValues } from './index-keys';
import { compareValues, sortClass } from './key-order';
import { matcher } from './query';
import { keyString, renderDoc, type Doc } from './values';

export { pathValues } from './index-keys';

// sorted-btree is CommonJS with `exports.default`: bundlers (vitest) hand over the class, while
// Node's own ESM loader (tsx) hands over the whole exports object.
const BTree: typeof BTreeExport = (BTreeExport as unknown as { default?: typeof BTreeExport }).default ?? BTreeExport;

export interface IndexSpec {
  v: number;
  key: Doc;
  name: string;
  unique?: boolean;
  sparse?: boolean;
  partialFilterExpression?: Doc;
  [option: string]: unknown;
}

export const ID_INDEX: IndexSpec = { v: 2, key: { _id: 1 }, name: '_id_' };

export function defaultIndexName(key: Doc): string {
  return Object.entries(key).map(([field, dir]) => `${field}_${dir}`).join('_');
}

/** What the planner needs to know about the values held under one key field. */
export interface FieldStats {
  /** Key entries per sortClass (null, number, string, date, objectid, boolean, array, other). */
  classes: Map<string, number>;
  /** Documents for which an array was expanded at this field. */
  multikeyDocs: number;
}

interface Key {
  /** keyString form, only for indexes without a tree (text, hashed), whose uniqueness uses a map. */
  str?: string;
  combo: unknown[];
}

/** Tree key: the key values in index field order, then the document's record id. */
export type TreeKey = unknown[];

export class Index {
  readonly spec: IndexSpec;
  readonly fields: string[];
  /** 1 or -1 per field; empty for text/hashed/geo indexes, which keep no tree. */
  readonly dirs: number[];
  readonly tree?: BTreeExport<TreeKey, undefined>;
  readonly stats: FieldStats[];
  private readonly entries = new Map<string, Doc>();
  private readonly partial?: (doc: Doc) => boolean;

  /** The collection's document under a record id. */
  readonly docAt: (rid: number) => Doc | undefined;

  constructor(spec: IndexSpec, docAt: (rid: number) => Doc | undefined) {
    this.spec = spec;
    this.docAt = docAt;
    this.fields = Object.keys(spec.key);
    const dirs = Object.values(spec.key).map(Number);
    this.dirs = dirs.every((d) => d === 1 || d === -1) ? dirs : [];
    this.stats = this.fields.map(() => ({ classes: new Map(), multikeyDocs: 0 }));
    if (spec.partialFilterExpression) this.partial = matcher(spec.partialFilterExpression);
    if (this.dirs.length) this.tree = new BTree<TreeKey, undefined>(undefined, (a, b) => this.compareKeys(a, b));
  }

  /**
   * Whether `next` has exactly `old`'s entries here: every key field holds the same values (and a
   * partial index's filter answers alike), so an update that leaves them alone costs this index
   * nothing, as in mongod. A conversation's activity update would otherwise take out and put back
   * one entry per member in `memberIds`. Indexes without a tree (text, hashed) keep the document
   * itself under each key, so they are always redone.
   */
  keepsEntries(old: Doc, next: Doc): boolean {
    if (!this.tree) return false;
    for (const field of this.fields) {
      const parts = field.split('.');
      const a = pathValues(old, parts);
      const b = pathValues(next, parts);
      if (a.length !== b.length) return false;
      for (let i = 0; i < a.length; i++) if (!sameKeyValue(a[i], b[i])) return false;
    }
    return !this.partial || this.partial(old) === this.partial(next);
  }

  get name(): string {
    return this.spec.name;
  }

  get enforcesUniqueness(): boolean {
    return this.spec.unique === true || this.spec.name === '_id_';
  }

  compareKeys(a: TreeKey, b: TreeKey): number {
    const n = this.dirs.length;
    for (let i = 0; i < n; i++) {
      const x = a[i];
      const y = b[i];
      // Strings (n-grams, names) are the commonest key values: compared here without the
      // type-rank dispatch of compareValues, which is ~20 comparisons per insert into a big tree.
      const c = typeof x === 'string' && typeof y === 'string' ? (x < y ? -1 : x > y ? 1 : 0) : compareValues(x, y);
      if (c !== 0) return this.dirs[i] * c;
    }
    return (a[n] as number) - (b[n] as number);
  }

  /** Keys this document contributes, or none if sparse/partial leaves it out of the index. */
  keys(doc: Doc): Key[] {
    return this.keysWithArrays(doc)?.keys ?? [];
  }

  // An insert asks for the same document's keys twice (check, then add): keep the last answer.
  private last?: { doc: Doc; found: { keys: Key[]; multikey: boolean[] } | undefined };

  private keysWithArrays(doc: Doc): { keys: Key[]; multikey: boolean[] } | undefined {
    if (this.last?.doc === doc) return this.last.found;
    let found: { keys: Key[]; multikey: boolean[] } | undefined;
    const perField = this.partial && !this.partial(doc) ? undefined : this.fields.map((f) => fieldValues(doc, f));
    if (perField && !(this.spec.sparse && perField.every((f) => f.values.every((x) => x === undefined)))) {
      const keys = keyCombos(perField.map((f) => f.values), (c) => c.map(keyString).join('|'), !this.tree);
      found = { keys, multikey: perField.map((f) => f.multikey) };
    }
    this.last = { doc, found };
    return found;
  }

  /** Throws E11000 if `doc` would collide with a document other than `replacing`. */
  check(ns: string, doc: Doc, replacing?: Doc): void {
    if (!this.enforcesUniqueness) return;
    for (const key of this.keys(doc)) {
      const holder = this.holder(key);
      if (holder && holder !== replacing) {
        const keyValue: Doc = {};
        this.fields.forEach((f, i) => (keyValue[f] = key.combo[i]));
        throw duplicateKey(ns, this.spec, keyValue);
      }
    }
  }

  /** The document holding this key in a unique index: the first tree entry at or after it. */
  private holder(key: Key): Doc | undefined {
    if (!this.tree) return this.entries.get(key.str as string);
    const next = this.tree.nextHigherKey(key.combo.concat(-Infinity));
    if (!next) return undefined;
    const n = this.fields.length;
    for (let i = 0; i < n; i++) if (compareValues(next[i], key.combo[i]) !== 0) return undefined;
    return this.docAt(next[n] as number);
  }

  add(doc: Doc, rid: number): void {
    this.update(doc, rid, 1);
  }

  remove(doc: Doc, rid: number): void {
    this.update(doc, rid, -1);
  }

  private update(doc: Doc, rid: number, delta: 1 | -1): void {
    const found = this.keysWithArrays(doc);
    if (!found) return;
    for (const key of found.keys) {
      if (!this.tree) {
        if (!this.enforcesUniqueness) continue;
        if (delta > 0) this.entries.set(key.str as string, doc);
        else if (this.entries.get(key.str as string) === doc) this.entries.delete(key.str as string);
        continue;
      }
      // concat makes an exact-size array; [...combo, rid] would leave room for ~16 more
      // elements (~130 bytes more per entry, which multikey indexes hold millions of).
      if (delta > 0 && this.pending) this.pending.push(key.combo.concat(rid));
      else if (delta > 0) this.tree.set(key.combo.concat(rid), undefined);
      else {
        this.flush();
        this.tree.delete(key.combo.concat(rid));
      }
      key.combo.forEach((v, i) => {
        const classes = this.stats[i].classes;
        const cls = sortClass(v);
        classes.set(cls, (classes.get(cls) ?? 0) + delta);
      });
    }
    found.multikey.forEach((m, i) => {
      if (m) this.stats[i].multikeyDocs += delta;
    });
  }

  /** Entries added since defer(), not yet in the tree. */
  private pending?: TreeKey[];

  /**
   * Holds new entries back until flush(), which puts them in in key order: a batch of 1,000
   * messages brings ~30,000 n-gram entries scattered over the whole tree, and inserting them
   * sorted walks neighbouring paths (cache-warm) instead of a cold one each time. Only for
   * indexes whose tree nothing reads meanwhile: unique indexes look keys up on every insert.
   */
  defer(): void {
    if (this.tree && !this.enforcesUniqueness) this.pending ??= [];
  }

  flush(): void {
    const pending = this.pending;
    this.pending = undefined;
    if (!pending?.length) return;
    pending.sort((a, b) => this.compareKeys(a, b));
    for (const key of pending) this.tree!.set(key, undefined);
  }

  /** Builds the index over existing documents, failing like mongod if they already collide. */
  build(ns: string, records: Iterable<[number, Doc]>): void {
    this.defer();
    try {
      for (const [rid, doc] of records) {
        this.check(ns, doc);
        this.add(doc, rid);
      }
    } finally {
      this.flush();
    }
  }
}

export function duplicateKey(ns: string, spec: IndexSpec, keyValue: Doc): CommandError {
  return new CommandError(
    'DuplicateKey',
    `E11000 duplicate key error collection: ${ns} index: ${spec.name} dup key: ${renderDoc(keyValue)}`,
    { keyPattern: { ...spec.key }, keyValue },
  );
}

/** Same value, of the same kind (missing is not null: a sparse index tells them apart). */
function sameKeyValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === undefined || b === undefined || a === null || b === null || typeof a !== typeof b) return false;
  if (typeof a === 'object' && (a as object).constructor !== (b as object).constructor) return false;
  return compareValues(a, b) === 0;
}
