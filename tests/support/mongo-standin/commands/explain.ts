// explain for find / count / distinct / aggregate: which index the planner picked (or a
// collection scan) and, from executionStats on, how many keys and documents it examined —
// the fields mongod reports under the same names. Nothing is written while explaining.
import { CommandError } from '../errors';
import { runPipeline, select } from '../query';
import type { Plan } from '../planner';
import type { Candidates, LookupOptions } from '../store';
import { Bound } from '../key-order';
import { combinations } from '../walk-keys';
import { clone, renderValue, type Doc } from '../values';
import { VERSION } from './handshake';
import { leadingQuery } from './read';
import { optionalDoc, optionalNumber, type Context } from './context';

const EXPLAINABLE = ['find', 'count', 'distinct', 'aggregate'];

export function explain(cmd: Doc, ctx: Context): Doc {
  const inner = optionalDoc(cmd.explain);
  const kind = inner ? Object.keys(inner)[0] : undefined;
  if (!inner || !kind || !EXPLAINABLE.includes(kind) || typeof inner[kind] !== 'string') {
    throw new CommandError('CommandNotSupported', `explain: the MongoDB stand-in explains ${EXPLAINABLE.join(', ')} on a collection, not '${kind}'`);
  }
  const verbosity = typeof cmd.verbosity === 'string' ? cmd.verbosity : 'allPlansExecution';
  const coll = ctx.store.db(ctx.dbName).get(inner[kind] as string);
  const { filter, opts } = request(kind, inner);
  const found: Candidates = coll ? coll.lookup(filter, opts) : { docs: [], keysExamined: 0, docsExamined: 0 };
  const reply: Doc = {
    explainVersion: '1',
    queryPlanner: {
      namespace: `${ctx.dbName}.${inner[kind]}`,
      parsedQuery: filter ?? {},
      winningPlan: withSort(winningPlan(found, opts), found, opts),
      rejectedPlans: (found.rejected ?? []).map((plan) => withSort(fetch(plan, opts), { ...found, plan }, opts)),
    },
  };
  if (verbosity !== 'queryPlanner') {
    reply.executionStats = {
      executionSuccess: true,
      nReturned: coll ? returned(kind, inner, found, filter, opts) : 0,
      executionTimeMillis: 0,
      totalKeysExamined: found.keysExamined,
      totalDocsExamined: found.docsExamined,
    };
  }
  reply.command = inner;
  reply.serverInfo = { host: '127.0.0.1', port: ctx.port, version: VERSION, gitVersion: 'mongo-standin' };
  reply.ok = 1;
  return reply;
}

function request(kind: string, inner: Doc): { filter?: Doc; opts: LookupOptions } {
  const extras = { collation: optionalDoc(inner.collation), variables: optionalDoc(inner.let) };
  if (kind === 'aggregate') {
    const pipeline = Array.isArray(inner.pipeline) ? (inner.pipeline as Doc[]) : [];
    if (pipeline.some((s) => '$out' in s)) throw new CommandError('CommandNotSupported', 'explain of an aggregate with $out is not supported by the MongoDB stand-in');
    const [filter, opts] = leadingQuery(pipeline, extras);
    return { filter, opts };
  }
  const filter = optionalDoc(kind === 'find' ? inner.filter : inner.query);
  const limit = Math.abs(optionalNumber(inner.limit) ?? 0) || undefined;
  return { filter, opts: { ...extras, sort: optionalDoc(inner.sort), skip: optionalNumber(inner.skip), limit } };
}

function returned(kind: string, inner: Doc, found: Candidates, filter: Doc | undefined, opts: LookupOptions): number {
  if (kind === 'aggregate') return runPipeline(clone(found.docs), inner.pipeline as Doc[], opts).length;
  if (kind === 'count') return 1;
  const docs = select(found.docs, filter, kind === 'distinct' ? { collation: opts.collation } : opts);
  return docs.length;
}

function winningPlan(found: Candidates, opts: LookupOptions): Doc {
  // mongod's shape for an indexed $or: FETCH over an OR of one IXSCAN per branch.
  if (found.orPlans) return { stage: 'FETCH', inputStage: { stage: 'OR', inputStages: found.orPlans.map(ixscan) } };
  const plan = found.plan;
  if (!plan) return { stage: 'COLLSCAN', direction: 'forward' };
  return fetch(plan, opts);
}

/**
 * FETCH over the plan's IXSCAN, or — for merged prefix combinations — mongod's exploded shape:
 * FETCH over SORT_MERGE over one IXSCAN per combination, each with its own point bounds.
 */
function fetch(plan: Plan, opts: LookupOptions): Doc {
  if (!plan.merge) return { stage: 'FETCH', inputStage: ixscan(plan) };
  const runs = [...combinations(plan.prefix, plan.reverse)].map((points) => ixscan({ ...plan, prefix: points.map((v) => [v]) }));
  return { stage: 'FETCH', inputStage: { stage: 'SORT_MERGE', sortPattern: { ...opts.sort }, inputStages: runs } };
}

/**
 * mongod sorts in memory (a SORT stage) unless the index walk delivers the order; here mingo
 * always sorts, but the stage says whether the walk had to collect every match first.
 */
function withSort(plan: Doc, found: Candidates, opts: LookupOptions): Doc {
  const sort = opts.sort && Object.keys(opts.sort).length ? opts.sort : undefined;
  if (!sort || '$natural' in sort || found.plan?.givesOrder) return plan;
  const stage: Doc = { stage: 'SORT', sortPattern: { ...sort }, memLimit: 104857600, type: 'simple' };
  if (opts.limit) stage.limitAmount = (opts.skip ?? 0) + opts.limit;
  stage.inputStage = plan;
  return stage;
}

/** mongod's indexBounds: per key field, the intervals walked, in walk order. */
function indexBounds(plan: Plan): Doc {
  const { fields, dirs } = plan.index;
  const out: Doc = {};
  fields.forEach((field, i) => {
    const backwards = dirs[i] * (plan.reverse ? -1 : 1) < 0;
    let intervals: string[];
    if (i < plan.prefix.length) {
      const points = backwards ? [...plan.prefix[i]].reverse() : plan.prefix[i];
      intervals = points.map((v) => `[${boundText(v)}, ${boundText(v)}]`);
    } else if (i === plan.prefix.length && plan.range) {
      const r = plan.range;
      intervals = backwards
        ? [`${r.highInclusive ? '[' : '('}${boundText(r.high, 'high')}, ${boundText(r.low, 'low')}${r.lowInclusive ? ']' : ')'}`]
        : [`${r.lowInclusive ? '[' : '('}${boundText(r.low, 'low')}, ${boundText(r.high, 'high')}${r.highInclusive ? ']' : ')'}`];
    } else {
      intervals = [backwards ? '[MaxKey, MinKey]' : '[MinKey, MaxKey]'];
    }
    out[field] = intervals;
  });
  return out;
}

// How mongod prints the ends of a type bracket ({$gt: 5} walks up to inf.0, {$gte: 'a'} up to {}).
const BRACKET_ENDS: Record<number, [string, string]> = {
  3: ['-inf.0', 'inf.0'],
  4: ['""', '{}'],
  8: ["ObjectId('000000000000000000000000')", "ObjectId('ffffffffffffffffffffffff')"],
  10: ['new Date(-9223372036854775808)', 'new Date(9223372036854775807)'],
};

function boundText(v: unknown, end?: 'low' | 'high'): string {
  if (!(v instanceof Bound)) return renderValue(v);
  if (!Number.isFinite(v.rank)) return v.rank < 0 ? 'MinKey' : 'MaxKey';
  const ends = BRACKET_ENDS[end === 'low' ? Math.ceil(v.rank) : Math.floor(v.rank)];
  return ends ? ends[end === 'low' ? 0 : 1] : end === 'low' ? 'MinKey' : 'MaxKey';
}

function ixscan(plan: Plan): Doc {
  const { index } = plan;
  return {
    stage: 'IXSCAN',
    keyPattern: { ...index.spec.key },
    indexName: index.name,
    isMultiKey: index.stats.some((s) => s.multikeyDocs > 0),
    isUnique: index.enforcesUniqueness,
    isSparse: index.spec.sparse === true,
    isPartial: index.spec.partialFilterExpression !== undefined,
    direction: plan.reverse ? 'backward' : 'forward',
    indexBounds: indexBounds(plan),
  };
}
