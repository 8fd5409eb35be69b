import type { Conversation } from '../../../shared/schemas/conversations.js';
import type { User } from '../../../shared/schemas/auth.js';
import type { Translate } from '../i18n/i18n';

/** The other person of a direct message. */
export function dmPartnerId(conversation: Conversation, meId: string | undefined): string | undefined {
  if (conversation.kind !== 'dm') return undefined;
  return conversation.memberIds.find((id) => id !== meId) ?? conversation.memberIds[0];
}

/** A conversation's name: a DM is named after the other person; an untitled group after its members. */
export function conversationTitle(
  conversation: Conversation,
  users: Record<string, User>,
  meId: string | undefined,
  t: Translate,
): string {
  if (conversation.kind === 'dm') {
    const partner = dmPartnerId(conversation, meId);
    return (partner && users[partner]?.name) || conversation.title || t('conv.unknownUser');
  }
  if (conversation.title) return conversation.title;
  const names = conversation.memberIds
    .filter((id) => id !== meId)
    .map((id) => users[id]?.name)
    .filter(Boolean);
  return names.slice(0, 4).join('、') + (names.length > 4 ? ' …' : '') || t(`conv.kind.${conversation.kind}`);
}

/** Latest activity first. */
export function byLatestActivity(a: Conversation, b: Conversation): number {
  const at = a.lastMessage?.createdAt ?? a.createdAt;
  const bt = b.lastMessage?.createdAt ?? b.createdAt;
  return bt.localeCompare(at);
}
