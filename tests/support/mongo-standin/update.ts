// Applying one update spec (operators, replacement or pipeline) to one document via mingo,
// plus seeding of upserted documents from a filter's equality clauses.
import { update as mingoUpdate } from 'mingo';
import { resolve, setValue } from 'mingo/util';
import { CommandError } from './errors';
import { compareValues } from './key-order';
import { mingoOptions, runPipeline } from './query';
import { clone, keyString, type Doc } from './values';

export interface UpdateOptions {
  filter?: Doc;
  arrayFilters?: Doc[];
  variables?: Doc;
  /** True when the update builds a new document for an upsert ($setOnInsert applies, _id may be set). */
  inserting?: boolean;
}

export function isOperatorUpdate(u: Doc): boolean {
  const keys = Object.keys(u);
  return keys.length > 0 && keys.every((k) => k.startsWith('$'));
}

/** Returns the updated copy of `original` (never mutates it) and whether anything changed. */
export function applyUpdate(original: Doc, u: Doc | Doc[], opts: UpdateOptions = {}): { doc: Doc; modified: boolean } {
  let doc: Doc;
  if (Array.isArray(u)) {
    doc = runPipeline([clone(original)], u, { variables: opts.variables })[0] ?? {};
  } else if (isOperatorUpdate(u)) {
    doc = applyOperators(clone(original), u, opts);
  } else {
    const bad = Object.keys(u).find((k) => k.startsWith('$'));
    if (bad) throw new CommandError('BadValue', `The dollar ($) prefixed field '${bad}' in '${bad}' is not allowed in the context of an update's replacement document.`);
    doc = { ...clone(u) };
    if ('_id' in original && !('_id' in doc)) doc = { _id: original._id, ...doc };
  }
  if (!opts.inserting && '_id' in original && keyString(doc._id) !== keyString(original._id)) {
    throw new CommandError('ImmutableField', "Performing an update on the path '_id' would modify the immutable field '_id'");
  }
  return { doc, modified: keyString(doc) !== keyString(original) };
}

function applyOperators(doc: Doc, u: Doc, opts: UpdateOptions): Doc {
  const ops: Doc = { ...u };
  if ('$setOnInsert' in ops) {
    // mingo has no $setOnInsert; on insert it is a $set, otherwise a no-op.
    if (opts.inserting) ops.$set = { ...(ops.$set as Doc | undefined), ...(ops.$setOnInsert as Doc) };
    delete ops.$setOnInsert;
  }
  seedMissingArrays(doc, ops.$push as Doc | undefined);
  seedMissingArrays(doc, ops.$addToSet as Doc | undefined);
  checkNumeric(doc, '$inc', ops.$inc as Doc | undefined);
  checkNumeric(doc, '$mul', ops.$mul as Doc | undefined);
  if (Object.keys(ops).length === 0) return doc;
  if (!opts.arrayFilters && applyPlainly(doc, ops)) return doc;
  try {
    mingoUpdate(doc, ops, opts.arrayFilters, opts.filter, {
      cloneMode: 'deep',
      queryOptions: mingoOptions({ variables: opts.variables }),
    });
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    const unknown = /Unknown update operator: '(\$\w+)'/.exec(message);
    if (unknown) {
      throw new CommandError('FailedToParse', `Unknown modifier: ${unknown[1]}. Expected a valid update modifier or pipeline-style update specified as an array`);
    }
    if (/immutable field '_id'/.test(message)) throw new CommandError('ImmutableField', message);
    if (/would create a conflict/.test(message)) throw new CommandError('ConflictingUpdateOperators', message);
    throw new CommandError('BadValue', message);
  }
  return doc;
}

// mingo's $push ignores $slice/$sort/$position, and $addToSet keeps duplicates of $each,
// when the array does not exist yet; starting from an empty array gives mongod's result.
function seedMissingArrays(doc: Doc, push: Doc | undefined): void {
  if (!push) return;
  for (const [path, spec] of Object.entries(push)) {
    if (path.includes('$') || spec === null || typeof spec !== 'object' || Array.isArray(spec)) continue;
    if (!('$each' in spec)) continue;
    if (resolve(doc, path) === undefined) setValue(doc, path, []);
  }
}

// mingo silently skips $inc/$mul on a non-number; mongod refuses the whole update.
function checkNumeric(doc: Doc, op: string, spec: Doc | undefined): void {
  if (!spec) return;
  for (const [path, by] of Object.entries(spec)) {
    if (!isNumeric(by)) throw new CommandError('TypeMismatch', `Cannot ${op === '$inc' ? 'increment' : 'multiply'} with non-numeric argument: {${path}: ${String(by)}}`);
    if (path.includes('$')) continue;
    const current = resolve(doc, path);
    if (current !== undefined && !isNumeric(current)) {
      throw new CommandError(
        'TypeMismatch',
        `Cannot apply ${op} to a value of non-numeric type. {_id: ${String(doc._id)}} has the field '${path.split('.').pop()}' of non-numeric type ${Array.isArray(current) ? 'array' : typeof current}`,
      );
    }
  }
}

function isNumeric(v: unknown): boolean {
  if (typeof v === 'number') return true;
  const t = (v as { _bsontype?: string } | null)?._bsontype;
  return t === 'Long' || t === 'Double' || t === 'Int32' || t === 'Decimal128';
}

/** The document an upsert starts from: the filter's equality conditions (incl. inside $and). */
export function seedFromFilter(filter: Doc | undefined): Doc {
  const seed: Doc = {};
  const visit = (f: Doc) => {
    for (const [key, value] of Object.entries(f)) {
      if (key === '$and' && Array.isArray(value)) {
        value.forEach((sub) => visit(sub as Doc));
        continue;
      }
      if (key.startsWith('$')) continue;
      const eq = equalityValue(value);
      if (eq.found) setValue(seed, key, clone(eq.value));
    }
  };
  if (filter) visit(filter);
  return seed;
}

function equalityValue(value: unknown): { found: boolean; value?: unknown } {
  if (value instanceof RegExp) return { found: false };
  if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    const v = value as Doc;
    const keys = Object.keys(v);
    if (keys.some((k) => k.startsWith('$'))) {
      if ('$eq' in v) return { found: true, value: v.$eq };
      if (keys.length === 1 && Array.isArray(v.$in) && v.$in.length === 1) return { found: true, value: v.$in[0] };
      return { found: false };
    }
  }
  return { found: true, value };
}

const PLAIN_OPS = new Set(['$set', '$unset', '$inc', '$max', '$min']);
const PLAIN_SEGMENT = /^(?![$\d])[^.]+$/;

/**
 * The common updates ($set, $unset, $inc, $max, $min on fields reached through plain objects
 * only) applied directly. mingo builds its operator tables again for every update (a tenth of the
 * stand-in's CPU when each message's conversation gets an activity update); anything else (arrays
 * on the way, positional or numeric segments, paths that overlap, non-number $inc, other
 * operators) returns false untouched, for mingo. Field order follows mongod: a new field goes last.
 */
function applyPlainly(doc: Doc, ops: Doc): boolean {
  const steps: Array<{ op: string; parts: string[]; value: unknown }> = [];
  const paths: string[] = [];
  for (const [op, spec] of Object.entries(ops)) {
    if (!PLAIN_OPS.has(op) || spec === null || typeof spec !== 'object' || Array.isArray(spec)) return false;
    for (const [path, value] of Object.entries(spec as Doc)) {
      const parts = path.split('.');
      if (!parts.every((part) => PLAIN_SEGMENT.test(part))) return false;
      // Every object on the way must be a plain one (or missing, to be created).
      let at: unknown = doc;
      for (const part of parts.slice(0, -1)) {
        at = (at as Doc)[part];
        if (at === undefined) break;
        if (at === null || typeof at !== 'object' || Array.isArray(at) || Object.getPrototypeOf(at) !== Object.prototype) return false;
      }
      if (op === '$inc') {
        const current = at === undefined ? undefined : (at as Doc)[parts.at(-1)!];
        if (typeof value !== 'number' || (current !== undefined && typeof current !== 'number')) return false;
      }
      steps.push({ op, parts, value });
      paths.push(path);
    }
  }
  // Overlapping paths (one the same as, or a parent of, another) are a conflict mongod refuses: mingo says so.
  const named = new Set<string>();
  for (const path of paths) {
    if (named.has(path)) return false;
    named.add(path);
  }
  for (const { parts } of steps) {
    for (let n = 1; n < parts.length; n++) if (named.has(parts.slice(0, n).join('.'))) return false;
  }
  for (const { op, parts, value } of steps) {
    const field = parts.at(-1)!;
    if (op === '$unset') {
      let at: unknown = doc;
      for (const part of parts.slice(0, -1)) at = at === undefined ? undefined : (at as Doc)[part];
      if (at !== undefined) delete (at as Doc)[field];
      continue;
    }
    let at = doc;
    for (const part of parts.slice(0, -1)) at = ((at[part] as Doc | undefined) ??= {});
    const current = at[field];
    if (op === '$set') at[field] = clone(value);
    else if (op === '$inc') at[field] = ((current as number | undefined) ?? 0) + (value as number);
    else if (current === undefined || compareValues(value, current) * (op === '$max' ? 1 : -1) > 0) at[field] = clone(value);
  }
  return true;
}
