// Plans a top-level $or by planning each branch on its own (the filter's other top-level
// conditions count as part of every branch) and walking the union of what the branches find.
// Every document the filter matches satisfies the other conditions and at least one branch,
// so it lies inside that branch's index bounds: the union holds every match. If any branch
// cannot use an index, the union could miss documents, so the query is a collection scan.
// mingo still applies the whole filter, sort, skip and limit to the union.
import type { Index } from './indexes';
import { scoredPlan, type Plan, type PlanRequest } from './planner';
import type { Doc } from './values';

/** More branches than this are not planned: a scan then bounds the planning work instead. */
export const MAX_OR_BRANCHES = 1000;
/** Index prefix combinations walked over all branches together ($in in branches multiplies). */
const MAX_OR_WALKS = 10_000;

export interface OrPlan {
  branches: Plan[];
  /** The lowest branch score: the union narrows no better than its loosest branch. */
  score: number;
}

export function chooseOrPlan(indexes: Index[], req: PlanRequest): OrPlan | undefined {
  const { filter } = req;
  if (req.sort && '$natural' in req.sort) return undefined;
  const branches = filter?.$or;
  if (!Array.isArray(branches) || branches.length === 0 || branches.length > MAX_OR_BRANCHES) return undefined;
  const rest: Doc = { ...filter };
  delete rest.$or;
  const hasRest = Object.keys(rest).length > 0;
  const plans: Plan[] = [];
  let score = Infinity;
  let walks = 0;
  for (const branch of branches) {
    if (!branch || typeof branch !== 'object' || Array.isArray(branch)) return undefined;
    // No sort or limit per branch: the early stop only holds for one walk in sort order.
    const branchFilter = hasRest ? { $and: [rest, branch as Doc] } : (branch as Doc);
    const found = scoredPlan(indexes, { filter: branchFilter, collation: req.collation });
    if (!found) return undefined;
    walks += found.plan.prefix.reduce((n, points) => n * points.length, 1);
    if (walks > MAX_OR_WALKS) return undefined;
    plans.push(found.plan);
    score = Math.min(score, found.score);
  }
  return { branches: plans, score };
}
