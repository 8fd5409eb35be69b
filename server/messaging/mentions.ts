import type { User } from '../../shared/schemas/auth.js';

/** `@loginId` tokens in a body that name members of the conversation. */
export function findMentions(body: string, members: readonly User[]): string[] {
  const named = new Set([...body.matchAll(/@([A-Za-z0-9._-]+)/g)].map((m) => m[1]!.toLowerCase()));
  if (named.size === 0) return [];
  return members.filter((m) => named.has(m.loginId.toLowerCase())).map((m) => m.id);
}
