import { AppError } from '../../shared/errors.js';
import type { User } from '../../shared/schemas/auth.js';

/** `@loginId` tokens in a body that name members of the conversation (clients that send no `mentions`). */
export function findMentions(body: string, members: readonly User[]): string[] {
  const named = new Set([...body.matchAll(/@([A-Za-z0-9._-]+)/g)].map((m) => m[1]!.toLowerCase()));
  if (named.size === 0) return [];
  return members.filter((m) => named.has(m.loginId.toLowerCase())).map((m) => m.id);
}

/**
 * The mentions the sender chose (user ids from the @ picker), checked against the members from
 * the membership cache: no database read. Repeats collapse; the sender may mention themselves.
 * Someone who is not a member is refused, not dropped: the client offers to add them first,
 * and a mention that silently vanished would be a notification nobody gets.
 */
export function checkChosenMentions(chosen: readonly string[], members: ReadonlySet<string>): string[] {
  const unique = [...new Set(chosen)];
  const outsiders = unique.filter((id) => !members.has(id));
  if (outsiders.length > 0) {
    throw new AppError('bad_request', `mentions: ${outsiders.length} of the people mentioned are not members of this conversation; add them first`);
  }
  return unique;
}

/**
 * @全員 reaches everyone's desktop at once: supervisors and admins may use it anywhere, everyone
 * else only in conversations of at most `maxMembers` people.
 */
export function checkMentionAll(sender: User, memberCount: number, maxMembers: number): void {
  if (sender.role === 'supervisor' || sender.role === 'admin') return;
  if (memberCount <= maxMembers) return;
  throw new AppError('forbidden', `@all (@全員) is for supervisors, or for conversations of at most ${maxMembers} people`);
}
