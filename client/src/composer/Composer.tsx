import { useEffect, useMemo, useRef, useState, type FormEvent, type KeyboardEvent, type ReactNode } from 'react';
import { MAX_BODY_CHARS } from '../../../shared/constants.js';
import { useI18n } from '../i18n/i18n';
import { isSendKey } from './keys';
import { sendMessage, type SendExtras } from './outbox';
import { TypingNotifier } from './typing';

/** Unsent text per conversation, in memory only (never in storage: the terminal is shared). */
const drafts = new Map<string, string>();

/** Forget every draft (sign-out). */
export function clearDrafts(): void {
  drafts.clear();
}

interface Props {
  conversationId: string;
  onSent?: () => void;
  /** Replaces the real send (component tests). */
  send?: (conversationId: string, body: string, extras?: SendExtras) => void;
  /** Shown above the input: the message being answered (返信). */
  quote?: ReactNode;
  /** Sent along with the next message (replyToId, ackRequested); the caller clears them in onSent. */
  sendExtras?: SendExtras;
  /** Shown beside the send button (the 確認依頼 toggle). */
  tools?: ReactNode;
}

export function Composer({ conversationId, onSent, send = sendMessage, quote, sendExtras, tools }: Props) {
  const { t } = useI18n();
  const [text, setText] = useState(() => drafts.get(conversationId) ?? '');
  const composing = useRef(false);
  const input = useRef<HTMLTextAreaElement>(null);
  const typing = useMemo(() => new TypingNotifier(conversationId), [conversationId]);

  useEffect(() => () => typing.stop(), [typing]);
  useEffect(() => {
    input.current?.focus();
  }, [conversationId]);

  const trimmed = text.trim();
  const length = [...trimmed].length;
  const tooLong = length > MAX_BODY_CHARS;

  function update(value: string) {
    setText(value);
    if (value) drafts.set(conversationId, value);
    else drafts.delete(conversationId);
    if (value.trim()) typing.input();
  }

  function submit() {
    // Mid-conversion the text is not what the person means to send (送信 clicked, Ctrl+Enter).
    if (composing.current) return;
    if (!trimmed || tooLong) return;
    if (sendExtras && (sendExtras.replyToId || sendExtras.ackRequested)) send(conversationId, trimmed, sendExtras);
    else send(conversationId, trimmed);
    update('');
    typing.stop();
    onSent?.();
  }

  function onKeyDown(e: KeyboardEvent<HTMLTextAreaElement>) {
    if (e.key !== 'Enter') return;
    if (isSendKey({ key: e.key, shiftKey: e.shiftKey, altKey: e.altKey, isComposing: e.nativeEvent.isComposing, keyCode: e.keyCode }, composing.current)) {
      e.preventDefault();
      submit();
    }
  }

  return (
    <form
      className="composer"
      onSubmit={(e: FormEvent) => {
        e.preventDefault();
        submit();
      }}
    >
      {quote}
      <label className="visually-hidden" htmlFor="composer-input">
        {t('composer.label')}
      </label>
      <textarea
        id="composer-input"
        ref={input}
        className="composer__input"
        rows={2}
        value={text}
        placeholder={t('composer.placeholder')}
        onChange={(e) => update(e.target.value)}
        onKeyDown={onKeyDown}
        onCompositionStart={() => {
          composing.current = true;
        }}
        onCompositionEnd={() => {
          composing.current = false;
        }}
        onBlur={() => typing.stop()}
        aria-invalid={tooLong || undefined}
        aria-describedby={tooLong ? 'composer-error' : undefined}
        data-testid="composer-input"
      />
      {tools}
      <button
        type="submit"
        className="button button--primary composer__send"
        disabled={!trimmed || tooLong}
        // Pressing it must not take the focus: the blur would end an IME conversion and commit
        // its unconverted text, which the click would then send. The input keeps the focus.
        onMouseDown={(e) => e.preventDefault()}
        data-testid="composer-send"
      >
        {t('composer.send')}
      </button>
      {tooLong && (
        <p id="composer-error" className="error composer__error" role="alert">
          {t('composer.tooLong', { max: MAX_BODY_CHARS.toLocaleString(), n: length.toLocaleString() })}
        </p>
      )}
    </form>
  );
}
