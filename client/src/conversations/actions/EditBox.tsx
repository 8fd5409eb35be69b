import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import { MAX_BODY_CHARS } from '../../../../shared/constants.js';
import { useI18n } from '../../i18n/i18n';
import '../../i18n/ja-screens'; // this screen's strings (kept out of the first load)

/**
 * Editing one's own message in place. Enter saves, Shift+Enter breaks the line, Escape cancels —
 * and never while an IME is composing (the Enter that confirms a conversion is not a save).
 */
export function EditBox({ initial, onSave, onCancel }: { initial: string; onSave: (body: string) => void; onCancel: () => void }) {
  const { t } = useI18n();
  const [text, setText] = useState(initial);
  const composing = useRef(false);
  const input = useRef<HTMLTextAreaElement>(null);
  useEffect(() => {
    input.current?.focus();
    input.current?.setSelectionRange(initial.length, initial.length);
  }, [initial]);
  const trimmed = text.trim();
  const ok = trimmed.length > 0 && [...trimmed].length <= MAX_BODY_CHARS;
  function onKeyDown(e: KeyboardEvent<HTMLTextAreaElement>) {
    if (composing.current || e.nativeEvent.isComposing || e.keyCode === 229) return;
    if (e.key === 'Escape') onCancel();
    if (e.key === 'Enter' && !e.shiftKey) {
      e.preventDefault();
      if (ok) onSave(trimmed);
    }
  }
  return (
    <div className="edit-box">
      <label className="visually-hidden" htmlFor="edit-input">
        {t('msg.editLabel')}
      </label>
      <textarea
        id="edit-input"
        ref={input}
        className="composer__input edit-box__input"
        rows={2}
        value={text}
        onChange={(e) => setText(e.target.value)}
        onKeyDown={onKeyDown}
        onCompositionStart={() => {
          composing.current = true;
        }}
        onCompositionEnd={() => {
          composing.current = false;
        }}
        data-testid="edit-input"
      />
      <div className="edit-box__buttons">
        <button type="button" className="button button--small button--quiet" onClick={onCancel}>
          {t('msg.cancel')}
        </button>
        <button type="button" className="button button--small button--primary" disabled={!ok} onClick={() => onSave(trimmed)} data-testid="edit-save">
          {t('msg.save')}
        </button>
      </div>
    </div>
  );
}
