import { STAMPS } from '../../../../shared/reactions.js';
import type { Translate, MessageKey } from '../../i18n/i18n';
import '../../i18n/ja-screens'; // this screen's strings (kept out of the first load)

/** A reaction as shown: a stamp in the reader's language, an emoji as itself. */
export function reactionLabel(t: Translate, reaction: string): string {
  if ((STAMPS as readonly string[]).includes(reaction)) return t(`msg.stamp.${reaction.slice('stamp:'.length)}` as MessageKey);
  return reaction;
}

/** Whose names to show for a list of people (the reader as 「あなた」/"you"). */
export function namesOf(t: Translate, userIds: readonly string[], users: Record<string, { name: string }>, meId: string | undefined): string {
  return userIds.map((id) => (id === meId ? t('msg.you') : (users[id]?.name ?? t('conv.unknownUser')))).join('、');
}
