import type { Presence } from '../../../shared/schemas/presence.js';
import type { Translate } from '../i18n/i18n';

/** "テレワーク中・取り込み中": the state, and the availability when someone is online. */
export function presenceLabel(t: Translate, presence: Presence | undefined): string {
  // Not known yet (the watch has not been answered): say so rather than show someone offline.
  if (!presence) return t('presence.unknown');
  const state = t(`presence.${presence.state}`);
  if (presence.state === 'offline' || presence.availability === 'available') return state;
  return `${state}・${t(`avail.${presence.availability}`)}`;
}

/** The CSS modifier of a presence dot. */
export function dotClass(presence: Presence | undefined): string {
  if (!presence) return 'dot dot--unknown';
  if (presence.state === 'offline') return 'dot dot--offline';
  const avail = presence.availability === 'available' ? '' : ` dot--${presence.availability}`;
  return `dot dot--${presence.state}${avail}`;
}
