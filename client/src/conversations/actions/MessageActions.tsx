import { useState } from 'react';
import type { Message } from '../../../../shared/schemas/conversations.js';
import { useI18n } from '../../i18n/i18n';
import { pinMessage, reactToMessage, setReplyTarget, takeBackMessage } from './actions';
import { ReactionPicker } from './ReactionPicker';
import '../../i18n/ja-screens'; // this screen's strings (kept out of the first load)

/**
 * The actions on one message, shown when the row is hovered or holds the focus: reply, react, pin,
 * and for one's own message edit and take back (送信取消). The server decides in the end (the
 * author only, members only, the time window); a refusal is shown through `onError`.
 */
export function MessageActions({ message, mine, onEdit, onError }: { message: Message; mine: boolean; onEdit: () => void; onError: (code: string, action?: 'edit' | 'takeBack') => void }) {
  const { t } = useI18n();
  const [picking, setPicking] = useState(false);
  if (message.deletedAt || message.system) return null;
  const report = (p: Promise<{ ok: boolean; error?: { code: string } }>, action?: 'takeBack') =>
    void p.then((res) => !res.ok && onError(res.error!.code, action));
  return (
    <div className="msg-actions" role="toolbar" aria-label={t('msg.actions')} data-testid="message-actions">
      <button type="button" className="msg-actions__button" onClick={() => setReplyTarget(message.conversationId, message)} data-testid="action-reply">
        {t('msg.reply')}
      </button>
      <button type="button" className="msg-actions__button" aria-expanded={picking} onClick={() => setPicking(!picking)} data-testid="action-react">
        {t('msg.react')}
      </button>
      <button type="button" className="msg-actions__button" onClick={() => report(pinMessage(message.id, !message.pinnedAt))} data-testid="action-pin">
        {message.pinnedAt ? t('msg.unpin') : t('msg.pin')}
      </button>
      {mine && (
        <>
          <button type="button" className="msg-actions__button" onClick={onEdit} data-testid="action-edit">
            {t('msg.edit')}
          </button>
          <button
            type="button"
            className="msg-actions__button msg-actions__button--danger"
            onClick={() => window.confirm(t('msg.takeBackConfirm')) && report(takeBackMessage(message.id), 'takeBack')}
            data-testid="action-take-back"
          >
            {t('msg.takeBack')}
          </button>
        </>
      )}
      {picking && (
        <ReactionPicker
          onClose={() => setPicking(false)}
          onPick={(reaction) => {
            setPicking(false);
            // Choosing one already chosen adds nothing: the server keeps one of each per person.
            report(reactToMessage(message.id, reaction, true));
          }}
        />
      )}
    </div>
  );
}
