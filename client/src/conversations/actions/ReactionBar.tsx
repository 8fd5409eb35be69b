import type { Message } from '../../../../shared/schemas/conversations.js';
import { useApp } from '../../app/state';
import { useI18n } from '../../i18n/i18n';
import { reactToMessage } from './actions';
import { namesOf, reactionLabel } from './labels';
import '../../i18n/ja-screens'; // this screen's strings (kept out of the first load)

/**
 * A message's reactions: each with its count; who chose it shows on hover and on keyboard focus
 * (and is the button's accessible name). Pressing one's own toggles it off, another's adds one's own.
 */
export function ReactionBar({ message, onError }: { message: Message; onError: (code: string) => void }) {
  const { t } = useI18n();
  const users = useApp((s) => s.users);
  const meId = useApp((s) => s.me?.id);
  if (!message.reactions?.length || message.deletedAt) return null;
  return (
    <div className="reactions" data-testid="reactions">
      {message.reactions.map((r) => {
        const mine = Boolean(meId && r.userIds.includes(meId));
        const label = reactionLabel(t, r.reaction);
        const names = namesOf(t, r.userIds, users, meId);
        return (
          <button
            key={r.reaction}
            type="button"
            className={`reaction${mine ? ' reaction--mine' : ''}`}
            aria-pressed={mine}
            aria-label={t('msg.reactionCount', { reaction: label, n: r.userIds.length, names })}
            data-testid="reaction"
            data-reaction={r.reaction}
            onClick={() => void reactToMessage(message.id, r.reaction, !mine).then((res) => !res.ok && onError(res.error.code))}
          >
            <span className="reaction__label">{label}</span>
            <span className="reaction__count">{r.userIds.length}</span>
            <span className="reaction__who" role="tooltip" data-testid="reaction-who">
              {names}
            </span>
          </button>
        );
      })}
    </div>
  );
}
