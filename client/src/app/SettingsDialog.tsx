import { useEffect, useId, useRef } from 'react';
import { useI18n } from '../i18n/i18n';
import { setNotifications, useNotificationPref } from '../notifications/notify';
import { LanguageSelect } from './LanguageSelect';
import { keepOpenWhileConverting } from '../composer/keys';
import { ChangePasswordForm } from '../account/ChangePassword';
import { MySessions } from '../account/MySessions';
import { NotificationSettings } from '../notifications/NotificationSettings';
import '../i18n/ja-screens'; // this screen's strings (kept out of the first load)

/** Language, desktop notifications, one's password and sign-ins. */
export function SettingsDialog({ onClose }: { onClose: () => void }) {
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
                : t('mention.browserHelp')}
          </p>
        </div>
        <NotificationSettings />
        <details className="field" data-testid="settings-password">
          <summary>{t('account.changeHeading')}</summary>
          <ChangePasswordForm onChanged={() => {}} />
        </details>
        <MySessions />
        <div className="dialog__actions">
          <button type="button" className="button button--primary" onClick={onClose} autoFocus>
            {t('settings.close')}
          </button>
        </div>
      </div>
    </dialog>
  );
}
