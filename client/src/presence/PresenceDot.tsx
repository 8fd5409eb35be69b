import type { Presence } from '../../../shared/schemas/presence.js';
import { useI18n } from '../i18n/i18n';
import { dotClass, presenceLabel } from './labels';

/** A coloured dot for someone's presence, with its meaning as text for screen readers. */
export function PresenceDot({ presence, testId }: { presence: Presence | undefined; testId?: string }) {
  const { t } = useI18n();
  const label = presenceLabel(t, presence);
  return (
    <span
      className={dotClass(presence)}
      role="img"
      aria-label={label}
      title={label}
      data-testid={testId}
      data-state={presence?.state ?? 'unknown'}
      data-availability={presence?.availability ?? 'available'}
    />
  );
}
