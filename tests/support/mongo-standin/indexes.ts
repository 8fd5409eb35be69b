// Index catalogue entries and unique-key enforcement. Only unique indexes keep a key map;
// other indexes are accepted and listed (queries are full scans anyway).
import { CommandError } from './errors';
import { matcher } from './query';
import { keyString, renderDoc, type Doc } from './values';

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

/** All values at a dotted path, expanding arrays the way a multikey index does. */
export function pathValues(v: unknown, parts: string[]): unknown[] {
  if (parts.length === 0) {
    if (Array.isArray(v)) return v.length ? v : [undefined];
    return [v];
  }
  const [head, ...rest] = parts;
  if (Array.isArray(v)) {
    if (/^\d+$/.test(head)) return pathValues(v[Number(head)], rest);
    return v.flatMap((el) => pathValues(el, parts));
  }
  if (v !== null && typeof v === 'object' && !(v instanceof Date)) {
    return pathValues((v as Doc)[head], rest);
  }
  return [undefined];
}

interface Key {
  str: string;
  value: Doc;
}

export class Index {
  readonly spec: IndexSpec;
  private readonly entries = new Map<string, Doc>();
  private readonly partial?: (doc: Doc) => boolean;
  private readonly fields: string[];

  constructor(spec: IndexSpec) {
    this.spec = spec;
    this.fields = Object.keys(spec.key);
    if (spec.partialFilterExpression) this.partial = matcher(spec.partialFilterExpression);
  }

  get name(): string {
    return this.spec.name;
  }

  get enforcesUniqueness(): boolean {
    return this.spec.unique === true || this.spec.name === '_id_';
  }

  /** Keys this document contributes, or none if sparse/partial leaves it out of the index. */
  keys(doc: Doc): Key[] {
    if (this.partial && !this.partial(doc)) return [];
    const perField = this.fields.map((f) => pathValues(doc, f.split('.')));
    if (this.spec.sparse && perField.every((vals) => vals.every((x) => x === undefined))) return [];
    // Cartesian product; mongod allows at most one array field per compound key, so it stays small.
    let combos: unknown[][] = [[]];
    for (const vals of perField) combos = combos.flatMap((c) => vals.map((x) => [...c, x]));
    const seen = new Set<string>();
    const keys: Key[] = [];
    for (const combo of combos) {
      const str = combo.map(keyString).join('|');
      if (seen.has(str)) continue;
      seen.add(str);
      const value: Doc = {};
      this.fields.forEach((f, i) => (value[f] = combo[i] ?? null));
      keys.push({ str, value });
    }
    return keys;
  }

  /** Throws E11000 if `doc` would collide with a document other than `replacing`. */
  check(ns: string, doc: Doc, replacing?: Doc): void {
    if (!this.enforcesUniqueness) return;
    for (const key of this.keys(doc)) {
      const holder = this.entries.get(key.str);
      if (holder && holder !== replacing) throw duplicateKey(ns, this.spec, key.value);
    }
  }

  /** The field whose equality this index answers exactly: single-field, unique, holding every document. */
  get exactLookupField(): string | undefined {
    const s = this.spec;
    if (!this.enforcesUniqueness || this.fields.length !== 1 || s.sparse || s.partialFilterExpression || s.collation) return undefined;
    return this.fields[0];
  }

  /** The document holding a single-field unique key, if any. */
  lookup(value: unknown): Doc | undefined {
    return this.entries.get(keyString(value));
  }

  add(doc: Doc): void {
    if (!this.enforcesUniqueness) return;
    for (const key of this.keys(doc)) this.entries.set(key.str, doc);
  }

  remove(doc: Doc): void {
    if (!this.enforcesUniqueness) return;
    for (const key of this.keys(doc)) {
      if (this.entries.get(key.str) === doc) this.entries.delete(key.str);
    }
  }

  /** Builds the key map over existing documents, failing like mongod if they already collide. */
  build(ns: string, docs: Doc[]): void {
    if (!this.enforcesUniqueness) return;
    for (const doc of docs) {
      this.check(ns, doc);
      this.add(doc);
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
