import type { Presence } from '../../../shared/schemas/presence.js';
import { useI18n } from '../i18n/i18n';
import { dotClass, presenceLabel } from './labels';

interface Props {
  presence: Presence | undefined;
  testId?: string;
  /** The label is written out next to the mark: say it once, not twice, to a screen reader. */
  decorative?: boolean;
}

/**
 * Someone's presence as a mark whose shape tells the state (teleworking: a house, in the office: a
 * disc, offline: a ring, not known yet: a dashed ring) and whose inner sign tells the availability
 * (away: clock hands, busy: a bar, in a meeting: a dot) — never the colour alone (styles/a11y.css).
 * Its meaning is the tooltip and, unless written next to it, the text for screen readers.
 */
export function PresenceDot({ presence, testId, decorative }: Props) {
  const { t } = useI18n();
  const label = presenceLabel(t, presence);
  return (
    <span
      className={dotClass(presence)}
      role={decorative ? undefined : 'img'}
      aria-label={decorative ? undefined : label}
      aria-hidden={decorative ? true : undefined}
      title={label}
      data-testid={testId}
      data-state={presence?.state ?? 'unknown'}
      data-availability={presence?.availability ?? 'available'}
    />
  );
}
