import { useEffect, useId, useRef, useState } from 'react';
import { useI18n } from '../i18n/i18n';
import { setNotifications, useNotificationPref } from '../notifications/notify';
import { LanguageSelect } from './LanguageSelect';
import { keepOpenWhileConverting } from '../composer/keys';

/** Language and desktop notifications. */
export function SettingsButton() {
  const { t } = useI18n();
  const [open, setOpen] = useState(false);
  return (
    <>
      <button type="button" className="button button--quiet" onClick={() => setOpen(true)} data-testid="open-settings" aria-haspopup="dialog">
        ⚙ {t('nav.settings')}
      </button>
      {open && <SettingsDialog onClose={() => setOpen(false)} />}
    </>
  );
}

function SettingsDialog({ onClose }: { onClose: () => void }) {
  const { t } = useI18n();
  const dialog = useRef<HTMLDialogElement>(null);
  const { pref, permission } = useNotificationPref();
  const id = useId();
  useEffect(() => {
    const d = dialog.current;
    if (d && !d.open) d.showModal?.();
  }, []);
  return (
    <dialog
      ref={dialog}
      className="dialog dialog--small"
      aria-labelledby={`${id}-h`}
      onClose={onClose}
      onKeyDown={keepOpenWhileConverting}
      data-testid="settings-dialog"
    >
      <div className="dialog__body">
        <h2 id={`${id}-h`}>{t('settings.heading')}</h2>
        <div className="field">
          <LanguageSelect />
        </div>
        <div className="field">
          <label className="check">
            <input
              type="checkbox"
              checked={pref === 'on' && permission === 'granted'}
              disabled={permission === 'unsupported' || permission === 'denied'}
              onChange={(e) => void setNotifications(e.target.checked)}
              data-testid="notifications-toggle"
            />
            <span>{t('settings.notifications')}</span>
          </label>
          <p className="muted small">
            {permission === 'unsupported'
              ? t('settings.notificationsUnsupported')
              : permission === 'denied'
                ? t('settings.notificationsDenied')
                : t('settings.notificationsHelp')}
          </p>
        </div>
        <div className="dialog__actions">
          <button type="button" className="button button--primary" onClick={onClose} autoFocus>
            {t('settings.close')}
          </button>
        </div>
      </div>
    </dialog>
  );
}
