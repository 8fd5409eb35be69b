import type { User } from '../../../shared/schemas/auth.js';
import { PersonName } from '../directory/PersonName';
import { useI18n } from '../i18n/i18n';
import '../i18n/ja-screens'; // this screen's strings (kept out of the first load)

/** One choice in the @ picker: a member, someone outside the conversation, or everyone. */
export type MentionChoice = { kind: 'member'; user: User } | { kind: 'outsider'; user: User } | { kind: 'all' };

export const choiceKey = (c: MentionChoice) => (c.kind === 'all' ? 'all' : `${c.kind}-${c.user.id}`);

interface Props {
  id: string;
  choices: readonly MentionChoice[];
  active: number;
  onChoose: (choice: MentionChoice) => void;
}

/**
 * The @ picker's list (a listbox the composer's textarea controls with aria-activedescendant):
 * the conversation's members, then @全員 when allowed, then people outside the conversation
 * (choosing one offers to add them). The textarea keeps the focus; a click chooses without
 * taking it (an IME conversion in progress would otherwise be committed by the blur).
 */
export function MentionPicker({ id, choices, active, onChoose }: Props) {
  const { t } = useI18n();
  const firstOutsider = choices.findIndex((c) => c.kind === 'outsider');
  return (
    <ul id={id} className="mention-picker" role="listbox" aria-label={t('mention.pickerLabel')} data-testid="mention-picker">
      {choices.length === 0 && (
        <li className="mention-picker__empty muted small" role="presentation">
          {t('mention.noMatch')}
        </li>
      )}
      {choices.map((choice, i) => (
        <li
          key={choiceKey(choice)}
          id={`${id}-${i}`}
          role="option"
          aria-selected={i === active}
          className={`mention-picker__option${i === active ? ' mention-picker__option--active' : ''}${i === firstOutsider ? ' mention-picker__option--first-outsider' : ''}`}
          data-testid="mention-option"
          data-kind={choice.kind}
          onMouseDown={(e) => e.preventDefault()}
          onClick={() => onChoose(choice)}
        >
          {choice.kind === 'all' ? (
            <span>{t('mention.allOption')}</span>
          ) : (
            <>
              <PersonName user={choice.user} />
              <span className="muted small"> {choice.user.title ?? ''}</span>
              {choice.kind === 'outsider' && <span className="mention-picker__note small"> — {t('mention.notMembers')}</span>}
            </>
          )}
        </li>
      ))}
    </ul>
  );
}
