import { useEffect, useId, useRef, useState } from 'react';
import { useI18n } from '../../i18n/i18n';
import { ApiError } from '../../net/api';
import { keepOpenWhileConverting } from '../../composer/keys';
import { leaveConversation } from '../list';
import '../../i18n/ja-screens'; // this screen's strings (kept out of the first load)

/** 「退出しますか?」: a modal confirmation; nothing happens until the person confirms. */
export function LeaveDialog({ conversationId, title, onClose, onLeft }: { conversationId: string; title: string; onClose: () => void; onLeft: () => void }) {
  const { t } = useI18n();
  const dialog = useRef<HTMLDialogElement>(null);
  const id = useId();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  useEffect(() => {
    const d = dialog.current;
    if (d && !d.open) d.showModal?.();
  }, []);

  async function confirm() {
    setBusy(true);
    setError('');
    try {
      await leaveConversation(conversationId);
      onLeft();
    } catch (e) {
      setError(e instanceof ApiError ? t(`err.${e.code}`) : t('err.internal'));
      setBusy(false);
    }
  }

  return (
    <dialog
      ref={dialog}
      className="dialog dialog--small"
      aria-labelledby={`${id}-h`}
      aria-describedby={`${id}-d`}
      onClose={onClose}
      onKeyDown={keepOpenWhileConverting}
      data-testid="leave-dialog"
    >
      <div className="dialog__body">
        <h2 id={`${id}-h`}>{t('conv.mgmt.leaveHeading')}</h2>
        <p id={`${id}-d`}>{t('conv.leaveConfirm', { title })}</p>
        {error && (
          <p className="error" role="alert">
            {error}
          </p>
        )}
        <div className="dialog__actions">
          <button type="button" className="button" onClick={onClose} autoFocus data-testid="leave-cancel">
            {t('conv.mgmt.cancel')}
          </button>
          <button type="button" className="button button--danger" disabled={busy} onClick={() => void confirm()} data-testid="leave-confirm">
            {t('conv.mgmt.leaveConfirm')}
          </button>
        </div>
      </div>
    </dialog>
  );
}
