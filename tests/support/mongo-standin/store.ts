// In-memory databases, collections and documents. Documents are kept by record id in
// insertion order (that is $natural order; a replaced document keeps its place); every write
// goes through the collection so each index stays in step with the documents.
import { UUID } from 'bson';
import { CommandError } from './errors';
import { raceWalks, walkIndex, type Walked } from './index-scan';
import { Index, ID_INDEX, type IndexSpec } from './indexes';
import { chooseOrPlan, type OrPlan } from './or-plan';
import { scoredPlan, type Plan } from './planner';
import { matcher, select, type QueryExtras } from './query';
import { residualFilter } from './residual';
import type { Doc } from './values';

export interface LookupOptions extends QueryExtras {
  sort?: Doc;
  skip?: number;
  limit?: number;
}

/** The documents a query has to look at, in $natural order, and how they were found. */
export interface Candidates {
  /** In $natural order, or — when `inSortOrder` — in the order the query asked for. */
  docs: Doc[];
  /** The walk visited the documents in the requested order, with no ties (see `Collection.select`). */
  inSortOrder?: boolean;
  /** Undefined for a collection scan (and for an $or walked branch by branch). */
  plan?: Plan;
  /** One plan per branch of a top-level $or, when each branch walks an index. */
  orPlans?: Plan[];
  /** Alternatives that lost the race to `plan` (explain's rejectedPlans). */
  rejected?: Plan[];
  keysExamined: number;
  docsExamined: number;
}

export class Collection {
  readonly indexes: Index[];
  readonly uuid = new UUID();
  private readonly records = new Map<number, Doc>();
  private readonly rids = new WeakMap<Doc, number>();
  private nextRid = 1;

  constructor(
    readonly db: string,
    readonly name: string,
    readonly options: Doc = {},
  ) {
    this.indexes = [new Index(ID_INDEX, this.docAt)];
  }

  /** The document under a record id (index entries hold record ids, not documents). */
  readonly docAt = (rid: number): Doc | undefined => this.records.get(rid);

  get ns(): string {
    return `${this.db}.${this.name}`;
  }

  /** All documents in $natural order. */
  get docs(): Doc[] {
    return [...this.records.values()];
  }

  get size(): number {
    return this.records.size;
  }

  /** Throws E11000 (leaving everything untouched) if `doc` collides on a unique index. */
  checkUnique(doc: Doc, replacing?: Doc): void {
    for (const index of this.indexes) index.check(this.ns, doc, replacing);
  }

  insert(doc: Doc): void {
    this.checkUnique(doc);
    const rid = this.nextRid++;
    this.records.set(rid, doc);
    this.rids.set(doc, rid);
    for (const index of this.indexes) index.add(doc, rid);
  }

  /** Runs a batch of inserts with the index entries put in sorted at the end (Index.defer). */
  batch<T>(run: () => T): T {
    for (const index of this.indexes) index.defer();
    try {
      return run();
    } finally {
      for (const index of this.indexes) index.flush();
    }
  }

  replace(old: Doc, next: Doc): void {
    this.checkUnique(next, old);
    const rid = this.rids.get(old);
    if (rid === undefined) throw new Error('replace: document is not stored in this collection');
    // Only the indexes whose entries the change touches are redone.
    const changed = this.indexes.filter((index) => !index.keepsEntries(old, next));
    for (const index of changed) index.remove(old, rid);
    this.records.set(rid, next);
    this.rids.delete(old);
    this.rids.set(next, rid);
    for (const index of changed) index.add(next, rid);
  }

  remove(doc: Doc): void {
    const rid = this.rids.get(doc);
    if (rid === undefined) return;
    this.records.delete(rid);
    this.rids.delete(doc);
    for (const index of this.indexes) index.remove(doc, rid);
  }

  /**
   * Documents that can match `filter`, in $natural order: those an index walk finds when the
   * planner picks an index (see planner.ts), otherwise all. The filter, sort, skip and limit
   * are still applied by mingo, so the answer is the same either way (`select` below: with
   * `keepWalkOrder`, a walk that gives the exact order keeps it and is not sorted again).
   */
  lookup(filter: Doc | undefined, opts: LookupOptions = {}, keepWalkOrder = false): Candidates {
    const sort = opts.sort && Object.keys(opts.sort).length ? opts.sort : undefined;
    const need = opts.limit ? (opts.skip ?? 0) + opts.limit : undefined;
    const req = { filter, sort, need, collation: opts.collation };
    const scored = scoredPlan(this.indexes, req);
    const or = chooseOrPlan(this.indexes, req);
    // A top-level $or is walked branch by branch unless the other conditions alone narrow
    // at least as well as its loosest branch.
    if (or && (!scored || scored.score < or.score)) return this.walkOr(or);
    const plan = scored?.plan;
    if (!plan) return { docs: this.docs, keysExamined: 0, docsExamined: this.records.size };
    // The early stop tests documents against what the walk does not answer itself: a 100-id
    // $in the bounds already hold would otherwise be hashed by mingo for every document.
    const test = need !== undefined && plan.sortPositions.length ? matcher(stopFilter(filter, plan, scored.alternatives), opts) : undefined;
    if (scored.alternatives) {
      const raced = raceWalks(scored.alternatives, need, test);
      const { walked } = raced;
      return { docs: this.inNaturalOrder(walked.found), plan: raced.plan, rejected: raced.rejected, keysExamined: walked.keysExamined, docsExamined: walked.docsExamined };
    }
    const walked = walkIndex(plan, need, test);
    const counts = { keysExamined: walked.keysExamined, docsExamined: walked.docsExamined };
    if (keepWalkOrder && sort && need !== undefined && plan.givesOrder && plan.tieFree && !plan.merge && !opts.collation) {
      return { docs: [...walked.found.values()], inSortOrder: true, plan, ...counts };
    }
    return { docs: this.inNaturalOrder(walked.found), plan, ...counts };
  }

  private walkOr(or: OrPlan): Candidates {
    const walked: Walked = { found: new Map(), keysExamined: 0, docsExamined: 0 };
    for (const plan of or.branches) walkIndex(plan, undefined, undefined, walked);
    return { docs: this.inNaturalOrder(walked.found), orPlans: or.branches, keysExamined: walked.keysExamined, docsExamined: walked.docsExamined };
  }

  candidates(filter: Doc | undefined, opts: LookupOptions = {}): Doc[] {
    return this.lookup(filter, opts).docs;
  }

  /**
   * The stored documents (by reference) matching `filter`, sorted, skipped and limited: mingo's
   * answer over the candidates, with the part of the filter the walk answered left out
   * (residual.ts). When the walk visited them in the requested order with no ties (the planner's
   * `givesOrder` and `tieFree`, the same facts its early stop relies on), they are only tested
   * and counted off in that order: no copy into $natural order and no sort, which were most of
   * the work of a history page.
   */
  select(filter: Doc | undefined, opts: LookupOptions = {}): Doc[] {
    const found = this.lookup(filter, opts, true);
    const residual = residualFilter(filter, found.plan) ?? {};
    if (!found.inSortOrder) return select(found.docs, residual, opts);
    const test = matcher(residual, opts);
    const out: Doc[] = [];
    let skip = opts.skip ?? 0;
    for (const doc of found.docs) {
      if (!test(doc)) continue;
      if (skip > 0) skip--;
      else if (out.push(doc) === opts.limit) break;
    }
    return out;
  }

  private inNaturalOrder(found: Map<number, Doc>): Doc[] {
    if (found.size * 8 > this.records.size) {
      const out: Doc[] = [];
      for (const [rid, doc] of this.records) if (found.has(rid)) out.push(doc);
      return out;
    }
    const rids = Float64Array.from(found.keys()).sort();
    return Array.from(rids, (rid) => found.get(rid) as Doc);
  }

  findIndex(name: string): Index | undefined {
    return this.indexes.find((i) => i.name === name);
  }

  addIndex(spec: IndexSpec): void {
    const index = new Index(spec, this.docAt);
    index.build(this.ns, this.records);
    this.indexes.push(index);
  }

  dropIndex(name: string): void {
    const at = this.indexes.findIndex((i) => i.name === name);
    if (at >= 0) this.indexes.splice(at, 1);
  }
}

/** The filter the early stop tests: the residual one, if every raced plan leaves the same. */
function stopFilter(filter: Doc | undefined, plan: Plan, alternatives: Plan[] = []): Doc {
  const residual = residualFilter(filter, plan) ?? {};
  const fields = Object.keys(residual).join('\0');
  const same = alternatives.every((p) => Object.keys(residualFilter(filter, p) ?? {}).join('\0') === fields);
  return same ? residual : (filter ?? {});
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
