import { useEffect, useState } from 'react';
import type { Message } from '../../../../shared/schemas/conversations.js';
import { useApp } from '../../app/state';
import { useI18n } from '../../i18n/i18n';
import { confirmMessage, loadAcks, remindPending, useAcks } from './actions';
import { namesOf } from './labels';
import '../../i18n/ja-screens'; // this screen's strings (kept out of the first load)

/**
 * 確認依頼 on a message. A recipient sees 「確認しました」 (or that they have); the sender sees how
 * many confirmed, and opens who confirmed and who not, with a reminder to those pending.
 */
export function AckControls({ message, mine, onError }: { message: Message; mine: boolean; onError: (code: string) => void }) {
  if (!message.ackRequested || message.deletedAt) return null;
  return mine ? <SenderView message={message} onError={onError} /> : <RecipientView message={message} onError={onError} />;
}

function RecipientView({ message, onError }: { message: Message; onError: (code: string) => void }) {
  const { t } = useI18n();
  const meId = useApp((s) => s.me?.id);
  const acks = useAcks(message.id);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    if (!acks) void loadAcks(message.id);
  }, [acks, message.id]);
  const done = Boolean(meId && acks?.acked.includes(meId));
  if (done) {
    return (
      <span className="ack ack--done" data-testid="ack-done">
        ✓ {t('msg.ackDone')}
      </span>
    );
  }
  return (
    <button
      type="button"
      className="button button--small ack"
      disabled={busy || !acks}
      data-testid="ack-button"
      onClick={() => {
        setBusy(true);
        void confirmMessage(message.id).then((res) => {
          setBusy(false);
          if (!res.ok) onError(res.error.code);
        });
      }}
    >
      {t('msg.ackDo')}
    </button>
  );
}

function SenderView({ message, onError }: { message: Message; onError: (code: string) => void }) {
  const { t } = useI18n();
  const users = useApp((s) => s.users);
  const meId = useApp((s) => s.me?.id);
  const memberCount = useApp((s) => s.conversations[message.conversationId]?.memberIds.length ?? 1);
  const acks = useAcks(message.id);
  const [open, setOpen] = useState(false);
  const [note, setNote] = useState('');
  useEffect(() => {
    if (open) void loadAcks(message.id);
  }, [open, message.id, message.ackCount]);
  const total = Math.max(memberCount - 1, 0);
  return (
    <div className="ack-sender">
      <button
        type="button"
        className="button button--small button--quiet ack"
        aria-expanded={open}
        onClick={() => setOpen(!open)}
        data-testid="ack-progress"
      >
        {t('msg.ackProgress', { n: message.ackCount ?? 0, total })}
      </button>
      {open && acks && (
        <div className="ack-panel" data-testid="ack-panel">
          <p>
            <strong>{t('msg.ackConfirmed', { n: acks.acked.length })}</strong>{' '}
            <span data-testid="ack-confirmed">{acks.acked.length ? namesOf(t, acks.acked, users, meId) : t('msg.ackNobody')}</span>
          </p>
          <p>
            <strong>{t('msg.ackPending', { n: acks.pending.length })}</strong>{' '}
            <span data-testid="ack-pending">{acks.pending.length ? namesOf(t, acks.pending, users, meId) : t('msg.ackNobody')}</span>
          </p>
          {acks.pending.length > 0 && (
            <button
              type="button"
              className="button button--small"
              data-testid="ack-remind"
              onClick={() =>
                void remindPending(message.id).then((res) => {
                  if (res.ok) setNote(t('msg.reminded', { n: res.reminded }));
                  else if (res.error.code === 'rate_limited') {
                    setNote(t('msg.remindTooSoon', { n: Math.max(1, Math.ceil((res.error.retryAfterS ?? 60) / 60)) }));
                  } else onError(res.error.code);
                })
              }
            >
              {t('msg.remind')}
            </button>
          )}
          {note && (
            <p className="small" role="status" data-testid="ack-note">
              {note}
            </p>
          )}
        </div>
      )}
    </div>
  );
}
