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
