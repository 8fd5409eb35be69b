import { useEffect, useState } from 'react';
import type { NotificationSettings as Settings } from '../../../shared/schemas/notifications.js';
import { useI18n } from '../i18n/i18n';
import { loadNotificationSettings, saveNotificationSetting, useNotificationSettings } from './settings';
import '../i18n/ja-screens'; // this screen's strings (kept out of the first load)

const SWITCHES: readonly [keyof Settings, 'mention.settingsDm' | 'mention.settingsMentions' | 'mention.settingsAcks' | 'mention.settingsAll'][] = [
  ['dm', 'mention.settingsDm'],
  ['mentions', 'mention.settingsMentions'],
  ['acks', 'mention.settingsAcks'],
  ['all', 'mention.settingsAll'],
];

/** What notifies me: four switches kept on the server (they follow the person to any terminal). */
export function NotificationSettings() {
  const { t } = useI18n();
  const { settings } = useNotificationSettings();
  const [error, setError] = useState('');
  useEffect(() => {
    // Another terminal may have changed them since sign-in.
    loadNotificationSettings().catch(() => {});
  }, []);
  return (
    <fieldset className="field" data-testid="notification-settings">
      <legend>{t('mention.settingsHeading')}</legend>
      {SWITCHES.map(([key, label]) => (
        <label key={key} className="check">
          <input
            type="checkbox"
            checked={settings[key]}
            onChange={(e) => {
              setError('');
              saveNotificationSetting(key, e.target.checked).catch(() => setError(t('mention.settingsFailed')));
            }}
            data-testid={`notify-setting-${key}`}
          />
          <span>{t(label)}</span>
        </label>
      ))}
      <p className="muted small">{t('mention.settingsHelp')}</p>
      {error && (
        <p className="error small" role="alert">
          {error}
        </p>
      )}
    </fieldset>
  );
}
