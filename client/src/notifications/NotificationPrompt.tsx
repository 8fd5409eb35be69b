import { useI18n } from '../i18n/i18n';
import { notNow, setNotifications, shouldOffer, useNotificationPref } from './notify';
import '../i18n/ja-screens'; // this screen's strings (kept out of the first load)

/**
 * A quiet offer to turn notifications on: never a browser prompt by surprise. 「今はしない」 means
 * not now: the offer comes back another day, until the person turns them on or off.
 */
export function NotificationPrompt() {
  const { t } = useI18n();
  const state = useNotificationPref();
  if (!shouldOffer(state)) return null;
  return (
    <div className="notify-prompt" role="region" aria-label={t('settings.notifications')} data-testid="notification-prompt">
      <p className="small">{t('mention.ask')}</p>
      <p className="small muted">{t('mention.askLaterNote')}</p>
      <div className="inline">
        <button type="button" className="button button--small button--primary" onClick={() => void setNotifications(true)}>
          {t('notify.enable')}
        </button>
        <button type="button" className="button button--small button--quiet" onClick={notNow} data-testid="notification-later">
          {t('notify.later')}
        </button>
      </div>
    </div>
  );
}
