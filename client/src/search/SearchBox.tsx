import { useRef, useState } from 'react';
import { navigate } from '../app/router';
import { isImeKey } from '../composer/keys';
import { useI18n } from '../i18n/i18n';

/**
 * 「メッセージを検索」 above the conversation list: Enter opens the search screen (loaded then) with
 * the words typed. Enter confirming an IME conversion does nothing.
 */
export function SearchBox() {
  const { t } = useI18n();
  const [text, setText] = useState('');
  const composing = useRef(false);
  return (
    <form
      className="search-box"
      role="search"
      aria-label={t('search.label')}
      onSubmit={(e) => {
        e.preventDefault();
        const q = text.trim();
        if (composing.current || !q) return;
        setText('');
        navigate(`/search?${new URLSearchParams({ q }).toString()}`);
      }}
    >
      <input
        className="input search-box__input"
        type="search"
        aria-label={t('search.label')}
        placeholder={t('search.placeholder')}
        value={text}
        onChange={(e) => setText(e.target.value)}
        onCompositionStart={() => {
          composing.current = true;
        }}
        onCompositionEnd={() => {
          composing.current = false;
        }}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && (composing.current || isImeKey({ isComposing: e.nativeEvent.isComposing, keyCode: e.keyCode }))) e.preventDefault();
        }}
        data-testid="search-box"
      />
    </form>
  );
}
