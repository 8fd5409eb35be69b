import { useI18n } from '../i18n/i18n';
import { setNotifications, useNotificationPref } from './notify';

/** A quiet offer to turn notifications on: shown until the person decides, never a browser prompt by surprise. */
export function NotificationPrompt() {
  const { t } = useI18n();
  const { pref, permission } = useNotificationPref();
  if (pref !== 'undecided' || permission === 'unsupported' || permission === 'denied') return null;
  return (
    <div className="notify-prompt" role="region" aria-label={t('settings.notifications')} data-testid="notification-prompt">
      <p className="small">{t('notify.ask')}</p>
      <div className="inline">
        <button type="button" className="button button--small button--primary" onClick={() => void setNotifications(true)}>
          {t('notify.enable')}
        </button>
        <button type="button" className="button button--small button--quiet" onClick={() => void setNotifications(false)}>
          {t('notify.later')}
        </button>
      </div>
    </div>
  );
}
