import { memo, useState, type ReactNode } from 'react';
import type { Message } from '../../../shared/schemas/conversations.js';
import type { User } from '../../../shared/schemas/auth.js';
import type { Presence } from '../../../shared/schemas/presence.js';
import type { Outgoing } from '../app/state';
import { useI18n } from '../i18n/i18n';
import { formatDateTime, formatTime } from '../i18n/format';
import { PersonName } from '../directory/PersonName';
import { PresenceDot } from '../presence/PresenceDot';
import { discardMessage, retryMessage } from '../composer/outbox';
import { AttachmentChips } from '../composer/attachments/AttachmentChips';
import { useUploads } from '../composer/attachments/uploads';
import { MessageFiles } from '../files/MessageFiles';
import { SystemMessageRow } from './SystemMessageRow';
import { MessageBody } from './MessageBody';
import { editMessage } from './actions/actions';
// The toolbar, edit box, confirmations, reactions and quotes: with this row in the lazily loaded
// history chunk (./actions/ui.ts), so a row always draws at its full height the first time.
import { AckControls } from './actions/AckControls';
import { EditBox } from './actions/EditBox';
import { MessageActions } from './actions/MessageActions';
import { ReactionBar } from './actions/ReactionBar';
import { ReplyQuote } from './actions/ReplyQuote';
import type { MessageKey } from '../i18n/i18n';

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
  /** Just jumped to (a quote's original, a pinned message): shown highlighted for a moment. */
  highlighted?: boolean;
  /** Extra controls under a stored message, given by the screen embedding the list (a meeting's marks). */
  tools?: (message: Message) => ReactNode;
  /** The conversation is closed (an ended meeting's record): no edit, take-back, reaction or pin offered. */
  closed?: boolean;
}

/**
 * One message. The body is React text, never HTML: whatever someone types is shown as typed and
 * nothing in it runs. Line breaks are kept by `white-space: pre-wrap`.
 */
export const MessageRow = memo(function MessageRow({ message, outgoing, mine, grouped, sender, presence, readLabel, onShowReaders, highlighted, tools, closed }: Props) {
  const { t, lang } = useI18n();
  const [editing, setEditing] = useState(false);
  const [actionError, setActionError] = useState('');
  // A refusal of one's own edit or take-back is about the time window (the server checks the author too).
  const onError = (code: string, action?: 'edit' | 'takeBack') => {
    let reason = t(`err.${code}` as MessageKey);
    if (code === 'forbidden' && action) reason = t(action === 'edit' ? 'msg.editTooLate' : 'msg.takeBackTooLate');
    if (code === 'conflict') reason = t('msg.alreadyTakenBack');
    setActionError(t('msg.failed', { reason }));
  };
  if (message?.system) return <SystemMessageRow message={message} />;
  const createdAt = message?.createdAt ?? outgoing!.createdAt;
  const deleted = Boolean(message?.deletedAt);
  const status = outgoing ? outgoing.status : 'sent';
  const body = message?.body ?? outgoing!.body;
  // Files under the text; a message of files alone shows them in the bubble's place. A message
  // taken back shows no files (they are kept for the record, like the text).
  const attachments =
    !deleted && message?.files?.length ? (
      <MessageFiles files={message.files} />
    ) : outgoing?.uploadIds ? (
      <OutgoingFiles ids={outgoing.uploadIds} />
    ) : null;
  const filesOnly = Boolean(attachments) && !body && !editing;
  return (
    <div
      className={`msg${mine ? ' msg--mine' : ''}${grouped ? ' msg--grouped' : ''}${status !== 'sent' ? ` msg--${status}` : ''}`}
      data-testid="message"
      data-seq={message?.seq}
      data-status={status}
      data-client-msg-id={message?.clientMsgId ?? outgoing?.clientMsgId}
      data-mine={mine ? 'true' : undefined}
      data-message-id={message?.id}
      data-highlighted={highlighted ? 'true' : undefined}
    >
      {!mine && !grouped && (
        <div className="msg__head">
          <PresenceDot presence={presence} />
          {sender ? <PersonName user={sender} className="msg__sender" /> : <span className="msg__sender">{t('conv.unknownUser')}</span>}
        </div>
      )}
      {message?.replyTo && !deleted && <ReplyQuote message={message} />}
      <div className="msg__line">
        {filesOnly ? (
          attachments
        ) : (
          <div className={`msg__bubble${deleted ? ' msg__bubble--deleted' : ''}`} data-testid="message-body">
            {editing && message ? (
              <EditBox
                initial={message.body}
                onCancel={() => setEditing(false)}
                onSave={(next) => {
                  setEditing(false);
                  setActionError('');
                  void editMessage(message.id, next).then((res) => !res.ok && onError(res.error.code, 'edit'));
                }}
              />
            ) : deleted ? (
              t('msg.takenBack')
            ) : (
              <MessageBody body={body} mentions={message?.mentions} mentionsAll={message?.mentionsAll} />
            )}
          </div>
        )}
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
          {message?.pinnedAt && !deleted && (
            <span className="msg__pinned" data-testid="pinned-mark">
              {t('msg.pinned')}
            </span>
          )}
          {message?.ackRequested && !deleted && <span className="msg__ack-requested">{t('msg.ackRequested')}</span>}
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
      {!filesOnly && attachments}
      {message && <ReactionBar message={message} onError={onError} />}
      {message && <AckControls message={message} mine={mine} onError={onError} />}
      {message && !editing && !closed && (
        <MessageActions
          message={message}
          mine={mine}
          onError={onError}
          onEdit={() => {
            setActionError('');
            setEditing(true);
          }}
        />
      )}
      {message && !deleted && tools?.(message)}
      {actionError && (
        <p className="msg__action-error error small" role="alert" data-testid="action-error">
          {actionError}
        </p>
      )}
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

/** A pending message's files, still uploading or failed: their chips (progress, retry, ×). */
function OutgoingFiles({ ids }: { ids: string[] }) {
  const { t } = useI18n();
  const uploads = useUploads(ids);
  const waiting = uploads.some((u) => u.status !== 'stored');
  return (
    <div className="msg__uploads">
      <AttachmentChips uploads={uploads} label={t('attach.list')} />
      {waiting && (
        <span className="muted small" data-testid="waiting-for-files">
          {t('attach.waiting')}
        </span>
      )}
    </div>
  );
}
