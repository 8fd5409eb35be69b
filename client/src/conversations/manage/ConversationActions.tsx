import { lazy, Suspense, useState } from 'react';
import type { Conversation } from '../../../../shared/schemas/conversations.js';
import { navigate } from '../../app/router';
import { useApp } from '../../app/state';
import { useI18n } from '../../i18n/i18n';
import { ApiError } from '../../net/api';
import { setConversationSettings } from './settings';
import './manage.css';
import '../../i18n/ja-screens'; // this screen's strings (kept out of the first load)

/** The dialog with the member list and the people picker loads the first time someone opens it. */
const ManageDialog = lazy(() => import('./ManageDialog').then((m) => ({ default: m.ManageDialog })));
const LeaveDialog = lazy(() => import('./LeaveDialog').then((m) => ({ default: m.LeaveDialog })));

/**
 * The conversation header's own buttons: favourite and mute (the person's own settings, kept on
 * the server), members and name (a dialog), and leaving with a confirmation.
 */
export function ConversationActions({ conversation, title, onError }: { conversation: Conversation; title: string; onError: (text: string) => void }) {
  const { t } = useI18n();
  const me = useApp((s) => s.me);
  const [managing, setManaging] = useState(false);
  const [leaving, setLeaving] = useState(false);
  const shared = conversation.kind === 'group' || conversation.kind === 'channel';
  const fail = (e: unknown) => onError(e instanceof ApiError ? t(`err.${e.code}`) : t('err.internal'));
  const toggle = (patch: { muted?: boolean; favourite?: boolean }) => {
    onError('');
    setConversationSettings(conversation.id, patch).catch(fail);
  };

  return (
    <span className="conv-actions">
      <button
        type="button"
        className={`button button--small button--quiet conv-actions__toggle${conversation.favourite ? ' conv-actions__toggle--on' : ''}`}
        aria-pressed={Boolean(conversation.favourite)}
        onClick={() => toggle({ favourite: !conversation.favourite })}
        data-testid="conv-favourite"
      >
        <span aria-hidden="true">{conversation.favourite ? '★' : '☆'}</span> {t('conv.mgmt.favouriteMark')}
      </button>
      <button
        type="button"
        className={`button button--small button--quiet conv-actions__toggle${conversation.muted ? ' conv-actions__toggle--on' : ''}`}
        aria-pressed={Boolean(conversation.muted)}
        onClick={() => toggle({ muted: !conversation.muted })}
        data-testid="conv-mute"
      >
        {conversation.muted && <span aria-hidden="true">✓ </span>}
        {t('conv.mgmt.mute')}
      </button>
      {shared && (
        <button type="button" className="button button--small button--quiet" onClick={() => setManaging(true)} data-testid="conv-manage">
          {t('conv.mgmt.manage')}
        </button>
      )}
      {shared && !conversation.departmentChannel && (
        <button type="button" className="button button--small button--quiet" onClick={() => setLeaving(true)} data-testid="leave-conversation">
          {t('conv.leave')}
        </button>
      )}
      {managing && (
        <Suspense fallback={null}>
          <ManageDialog conversation={conversation} me={me} onClose={() => setManaging(false)} />
        </Suspense>
      )}
      {leaving && (
        <Suspense fallback={null}>
        <LeaveDialog
          conversationId={conversation.id}
          title={title}
          onClose={() => setLeaving(false)}
          onLeft={() => {
            setLeaving(false);
            navigate('/');
          }}
        />
        </Suspense>
      )}
    </span>
  );
}
