import { memo } from 'react';
import type { Message } from '../../../shared/schemas/conversations.js';
import type { User } from '../../../shared/schemas/auth.js';
import type { Presence } from '../../../shared/schemas/presence.js';
import type { Outgoing } from '../app/state';
import { useI18n } from '../i18n/i18n';
import { formatDateTime, formatTime } from '../i18n/format';
import { PersonName } from '../directory/PersonName';
import { PresenceDot } from '../presence/PresenceDot';
import { discardMessage, retryMessage } from '../composer/outbox';
import { SystemMessageRow } from './SystemMessageRow';
import { MessageBody } from './MessageBody';

interface Props {
  message?: Message;
  outgoing?: Outgoing;
  mine: boolean;
  grouped: boolean;
  sender?: User;
  presence?: Presence;
  /** Read status of my own message: null when not to be shown. */
  readLabel: string | null;
  /** Given in groups and channels: the read label becomes a button that lists the readers. */
  onShowReaders?: (messageId: string) => void;
}

/**
 * One message. The body is React text, never HTML: whatever someone types is shown as typed and
 * nothing in it runs. Line breaks are kept by `white-space: pre-wrap`.
 */
export const MessageRow = memo(function MessageRow({ message, outgoing, mine, grouped, sender, presence, readLabel, onShowReaders }: Props) {
  const { t, lang } = useI18n();
  if (message?.system) return <SystemMessageRow message={message} />;
  const createdAt = message?.createdAt ?? outgoing!.createdAt;
  const deleted = Boolean(message?.deletedAt);
  const status = outgoing ? outgoing.status : 'sent';
  const body = message?.body ?? outgoing!.body;
  return (
    <div
      className={`msg${mine ? ' msg--mine' : ''}${grouped ? ' msg--grouped' : ''}${status !== 'sent' ? ` msg--${status}` : ''}`}
      data-testid="message"
      data-seq={message?.seq}
      data-status={status}
      data-client-msg-id={message?.clientMsgId ?? outgoing?.clientMsgId}
      data-mine={mine ? 'true' : undefined}
    >
      {!mine && !grouped && (
        <div className="msg__head">
          <PresenceDot presence={presence} />
          {sender ? <PersonName user={sender} className="msg__sender" /> : <span className="msg__sender">{t('conv.unknownUser')}</span>}
        </div>
      )}
      <div className="msg__line">
        <div className={`msg__bubble${deleted ? ' msg__bubble--deleted' : ''}`} data-testid="message-body">
          {deleted ? t('conv.deleted') : <MessageBody body={body} mentions={message?.mentions} mentionsAll={message?.mentionsAll} />}
        </div>
        <div className="msg__meta">
          {status === 'pending' && <span className="msg__pending">{t('conv.pending')}</span>}
          {readLabel &&
            (onShowReaders && message ? (
              // Groups and channels: 「既読 n」 opens who has read it and who has not.
              <button type="button" className="msg__read msg__read--button" data-testid="read-status" aria-haspopup="dialog" onClick={() => onShowReaders(message.id)}>
                {readLabel}
              </button>
            ) : (
              <span className="msg__read" data-testid="read-status">
                {readLabel}
              </span>
            ))}
          {message?.editedAt && !deleted && (
            <span className="msg__edited" data-testid="edited-mark">
              {t('conv.edited')}
            </span>
          )}
          <time dateTime={createdAt} title={formatDateTime(createdAt, lang)}>
            {formatTime(createdAt, lang)}
          </time>
        </div>
      </div>
      {status === 'failed' && outgoing && (
        <div className="msg__failed" role="alert" data-testid="send-error">
          <span>
            {t('conv.failed')}: {t(`err.${outgoing.error?.code ?? 'internal'}`)}
          </span>
          <button type="button" className="button button--small" onClick={() => retryMessage(outgoing.clientMsgId)} data-testid="retry-send">
            {t('conv.retry')}
          </button>
          <button type="button" className="button button--small button--quiet" onClick={() => discardMessage(outgoing.clientMsgId)}>
            {t('conv.discard')}
          </button>
        </div>
      )}
    </div>
  );
});
