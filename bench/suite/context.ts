import type { Database, Organisation } from './database.js';
import type { Options } from './options.js';
import type { Results } from './results.js';
import type { ClientSpec } from '../load/client.js';

export interface Context {
  opts: Options;
  db: Database;
  results: Results;
  /** Unique per run; prefixes database names. */
  tag: string;
  log(line: string): void;
}

/** Person i's client: their group and department channel, watching the members of both. */
export function clientSpecs(org: Organisation, indices?: number[]): ClientSpec[] {
  const byIdx = org.people;
  const groupOf = new Map(org.groups.map((g) => [g.id, g.memberIdx]));
  const channelOf = new Map(org.channels.map((c) => [c.id, c.memberIdx]));
  return (indices ?? byIdx.map((p) => p.index)).map((i) => {
    const p = byIdx[i]!;
    const watch = new Set([...(groupOf.get(p.groupId) ?? []), ...(channelOf.get(p.channelId) ?? [])]);
    watch.delete(i);
    return {
      userId: p.userId,
      token: p.token,
      conversationIds: [p.groupId, p.channelId],
      watch: [...watch].map((k) => byIdx[k]!.userId),
    };
  });
}

export const mb = (bytes: number) => bytes / (1024 * 1024);
