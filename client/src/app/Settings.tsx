import { lazy, Suspense, useState } from 'react';
import { useI18n } from '../i18n/i18n';

/** The dialog (password, sign-ins, notifications) loads the first time someone opens it. */
const SettingsDialog = lazy(() => import('./SettingsDialog').then((m) => ({ default: m.SettingsDialog })));

/** Language, desktop notifications, one's password and sign-ins. */
export function SettingsButton() {
  const { t } = useI18n();
  const [open, setOpen] = useState(false);
  return (
    <>
      <button type="button" className="button button--quiet" onClick={() => setOpen(true)} data-testid="open-settings" aria-haspopup="dialog">
        ⚙ {t('nav.settings')}
      </button>
      {open && (
        <Suspense fallback={null}>
          <SettingsDialog onClose={() => setOpen(false)} />
        </Suspense>
      )}
    </>
  );
}
