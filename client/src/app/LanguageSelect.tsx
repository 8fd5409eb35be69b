import { useId } from 'react';
import { useI18n, type Lang } from '../i18n/i18n';

export function LanguageSelect() {
  const { t, lang, setLang } = useI18n();
  const id = useId();
  return (
    <span className="lang-select">
      <label htmlFor={id}>{t('settings.language')}</label>
      <select id={id} className="select" value={lang} onChange={(e) => setLang(e.target.value as Lang)} data-testid="language-select">
        <option value="ja" lang="ja">
          日本語
        </option>
        <option value="en" lang="en">
          English
        </option>
      </select>
    </span>
  );
}
