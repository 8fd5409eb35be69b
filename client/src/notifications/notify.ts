import { appStore } from '../app/state';
import { createStore, useStore } from '../app/store';
import { navigate } from '../app/router';
import type { Translate } from '../i18n/i18n';
import { onMessage } from '../net/socket';

/**
 * Desktop notifications for direct messages while the tab is hidden. Off until the person turns
 * them on; only then does the browser ask for permission. The choice (not any message) is kept
 * in localStorage.
 */
export type NotifyPref = 'on' | 'off' | 'undecided';
const STORAGE_KEY = 'notifications';

function readPref(): NotifyPref {
  try {
    const v = localStorage.getItem(STORAGE_KEY);
    return v === 'on' || v === 'off' ? v : 'undecided';
  } catch {
    return 'undecided';
  }
}

const prefStore = createStore<{ pref: NotifyPref; permission: NotificationPermission | 'unsupported' }>({
  pref: readPref(),
  permission: typeof Notification === 'undefined' ? 'unsupported' : Notification.permission,
});

export function useNotificationPref() {
  return useStore(prefStore, (s) => s);
}

export async function setNotifications(on: boolean): Promise<void> {
  let permission = prefStore.get().permission;
  if (on && permission === 'default') permission = await Notification.requestPermission();
  const pref: NotifyPref = on && permission === 'granted' ? 'on' : 'off';
  try {
    localStorage.setItem(STORAGE_KEY, pref);
  } catch {
    // Storage disabled: the choice lasts for this page.
  }
  prefStore.set(() => ({ pref, permission }));
}

/** The notifications this page has shown and not seen closed: their text is message content. */
const shown = new Set<Notification>();

/** Close every notification this page has shown (sign-out: no message text outlives the session). */
export function closeNotifications(): void {
  for (const notification of shown) notification.close();
  shown.clear();
}

export function startNotifications(t: Translate): () => void {
  return onMessage((message) => {
    const { pref, permission } = prefStore.get();
    if (pref !== 'on' || permission !== 'granted' || document.visibilityState !== 'hidden') return;
    const state = appStore.get();
    const conversation = state.conversations[message.conversationId];
    if (message.senderId === state.me?.id || conversation?.kind !== 'dm' || message.deletedAt) return;
    const name = state.users[message.senderId]?.name ?? t('conv.unknownUser');
    const notification = new Notification(t('notify.title', { name }), {
      body: message.body.length > 120 ? `${message.body.slice(0, 120)}…` : message.body,
      tag: message.conversationId,
      lang: document.documentElement.lang,
    });
    shown.add(notification);
    notification.onclose = () => shown.delete(notification);
    notification.onclick = () => {
      window.focus();
      navigate(`/c/${message.conversationId}`);
      notification.close();
      shown.delete(notification);
    };
  });
}
