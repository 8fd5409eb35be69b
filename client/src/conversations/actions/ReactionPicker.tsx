import { useState, type FormEvent } from 'react';
import { isValidReaction, QUICK_EMOJI, STAMPS } from '../../../../shared/reactions.js';
import { useI18n } from '../../i18n/i18n';
import { reactionLabel } from './labels';
import '../../i18n/ja-screens'; // this screen's strings (kept out of the first load)

/** The office stamps, a few emoji, and any other single emoji typed in (IME-safe: a form submit). */
export function ReactionPicker({ onPick, onClose }: { onPick: (reaction: string) => void; onClose: () => void }) {
  const { t } = useI18n();
  const [other, setOther] = useState('');
  const [invalid, setInvalid] = useState(false);
  function submitOther(e: FormEvent) {
    e.preventDefault();
    const value = other.trim();
    if (!isValidReaction(value)) return setInvalid(true);
    onPick(value);
  }
  return (
    <div className="reaction-picker" role="dialog" aria-label={t('msg.react')} data-testid="reaction-picker" onKeyDown={(e) => e.key === 'Escape' && onClose()}>
      <div className="reaction-picker__stamps">
        {STAMPS.map((stamp) => (
          <button key={stamp} type="button" className="button button--small stamp" data-testid="stamp" data-reaction={stamp} onClick={() => onPick(stamp)}>
            {reactionLabel(t, stamp)}
          </button>
        ))}
      </div>
      <div className="reaction-picker__emoji">
        {QUICK_EMOJI.map((emoji) => (
          <button
            key={emoji}
            type="button"
            className="button button--small button--quiet"
            aria-label={t('msg.reactWith', { reaction: emoji })}
            data-testid="emoji"
            data-reaction={emoji}
            onClick={() => onPick(emoji)}
          >
            {emoji}
          </button>
        ))}
      </div>
      <form className="reaction-picker__other" onSubmit={submitOther}>
        <label className="visually-hidden" htmlFor="reaction-other">
          {t('msg.emojiOther')}
        </label>
        <input
          id="reaction-other"
          className="input"
          value={other}
          maxLength={32}
          placeholder={t('msg.emojiPrompt')}
          onChange={(e) => {
            setOther(e.target.value);
            setInvalid(false);
          }}
          aria-invalid={invalid || undefined}
          data-testid="emoji-other"
        />
        <button type="submit" className="button button--small">
          {t('msg.react')}
        </button>
        {invalid && (
          <p className="error small" role="alert">
            {t('msg.emojiInvalid')}
          </p>
        )}
      </form>
    </div>
  );
}
