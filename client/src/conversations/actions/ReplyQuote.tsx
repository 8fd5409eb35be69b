import { useEffect } from 'react';
import type { Message } from '../../../../shared/schemas/conversations.js';
import { useApp } from '../../app/state';
import { useI18n } from '../../i18n/i18n';
import { jumpTo, setReplyTarget } from './actions';
import '../../i18n/ja-screens'; // this screen's strings (kept out of the first load)

/** The quoted original above a reply; pressing it jumps there (loading older history if needed). */
export function ReplyQuote({ message }: { message: Message }) {
  const { t } = useI18n();
  const sender = useApp((s) => (message.replyTo ? s.users[message.replyTo.senderId] : undefined));
  const quote = message.replyTo;
  if (!quote) return null;
  const text = quote.deletedAt ? t('msg.quoteTakenBack') : quote.body;
  return (
    <button
      type="button"
      className={`reply-quote${quote.deletedAt ? ' reply-quote--gone' : ''}`}
      onClick={() => jumpTo(message.conversationId, quote.seq)}
      aria-label={t('msg.jumpToOriginal', { body: text })}
      data-testid="reply-quote"
      data-reply-seq={quote.seq}
    >
      <span className="reply-quote__sender">{sender?.name ?? t('conv.unknownUser')}</span>
      <span className="reply-quote__body">{text}</span>
    </button>
  );
}

/** Above the composer while answering: whom and what, with a way out. */
export function ComposerQuote({ target }: { target: Message }) {
  const { t } = useI18n();
  const sender = useApp((s) => s.users[target.senderId]);
  const name = sender?.name ?? t('conv.unknownUser');
  // Answering starts with typing: the composer takes the focus.
  useEffect(() => document.getElementById('composer-input')?.focus(), [target.id]);
  return (
    <div className="composer-quote" data-testid="composer-quote">
      <span className="composer-quote__label">{t('msg.replyingTo', { name })}</span>
      <span className="composer-quote__body">{target.deletedAt ? t('msg.quoteTakenBack') : target.body.slice(0, 100)}</span>
      <button type="button" className="button button--small button--quiet" onClick={() => setReplyTarget(target.conversationId, undefined)} data-testid="cancel-reply">
        {t('msg.cancelReply')}
      </button>
    </div>
  );
}
