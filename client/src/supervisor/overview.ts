import type { Overview, OverviewMember } from '../../../shared/schemas/telework.js';
import type { Presence, PresenceState } from '../../../shared/schemas/presence.js';

/** A member as the board shows it: the minutes today count on from when they were received. */
export interface BoardMember extends OverviewMember {
  receivedAt: number;
}

export function fromOverview(overview: Overview, now = Date.now()): BoardMember[] {
  return overview.members.map((m) => ({ ...m, receivedAt: now }));
}

export function upsertMember(members: readonly BoardMember[], member: OverviewMember, now = Date.now()): BoardMember[] {
  const next = { ...member, receivedAt: now };
  const i = members.findIndex((m) => m.user.id === member.user.id);
  if (i < 0) return [...members, next];
  const copy = [...members];
  copy[i] = next;
  return copy;
}

/** Minutes of telework today, still counting while the person teleworks. */
export function minutesToday(member: BoardMember, presence: Presence, now = Date.now()): number {
  if (presence.state !== 'teleworking') return member.teleworkMinutesToday;
  // Counting from the snapshot if they were teleworking then, else from when they started.
  const from =
    member.presence.state === 'teleworking' ? member.receivedAt : Math.max(member.receivedAt, Date.parse(presence.teleworkSince ?? '') || now);
  return member.teleworkMinutesToday + Math.max(0, Math.floor((now - from) / 60_000));
}

export function countStates(states: readonly PresenceState[]): Record<PresenceState, number> {
  const counts: Record<PresenceState, number> = { teleworking: 0, in_office: 0, offline: 0 };
  for (const s of states) counts[s]++;
  return counts;
}

/** Per department: teleworking, in the office, away (of those two) and offline. */
export interface NodeCounts {
  teleworking: number;
  in_office: number;
  away: number;
  offline: number;
}

/**
 * Counts for every department of the board's tree, each including everyone below it: each person is
 * added to their department and its ancestors (linear in people × depth).
 */
export function countsByDepartment(
  people: readonly { departmentId: string; presence: Presence }[],
  parentOf: ReadonlyMap<string, string | null>,
): Map<string, NodeCounts> {
  const counts = new Map<string, NodeCounts>();
  for (const { departmentId, presence } of people) {
    const seen = new Set<string>();
    for (let id: string | null | undefined = departmentId; id && !seen.has(id); id = parentOf.get(id)) {
      seen.add(id);
      let c = counts.get(id);
      if (!c) counts.set(id, (c = { teleworking: 0, in_office: 0, away: 0, offline: 0 }));
      c[presence.state] += 1;
      if (presence.state !== 'offline' && presence.availability === 'away') c.away += 1;
    }
  }
  return counts;
}
