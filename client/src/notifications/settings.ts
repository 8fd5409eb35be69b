import type { NotificationSettings } from '../../../shared/schemas/notifications.js';
import { createStore, useStore } from '../app/store';
import { api } from '../net/api';

/**
 * What notifies this person (`GET/PUT /api/notification-settings`): kept on the server so it
 * follows them to any terminal. Until the server answers, the server's own defaults apply.
 */
const DEFAULTS: NotificationSettings = { dm: true, mentions: true, acks: true, all: false };

const settingsStore = createStore<{ settings: NotificationSettings; loaded: boolean }>({ settings: DEFAULTS, loaded: false });

export function notificationSettings(): NotificationSettings {
  return settingsStore.get().settings;
}

export function useNotificationSettings() {
  return useStore(settingsStore, (s) => s);
}

/** Fetch the person's settings (at sign-in, and when the settings dialog opens). */
export async function loadNotificationSettings(): Promise<void> {
  const settings = await api.get<NotificationSettings>('/api/notification-settings');
  settingsStore.set(() => ({ settings, loaded: true }));
}

/** Change one switch on the server; the stored answer is what is shown. */
export async function saveNotificationSetting(key: keyof NotificationSettings, on: boolean): Promise<void> {
  const before = settingsStore.get();
  // Shown at once; put back if the server refuses.
  settingsStore.set((s) => ({ ...s, settings: { ...s.settings, [key]: on } }));
  try {
    const settings = await api.put<NotificationSettings>('/api/notification-settings', { [key]: on });
    settingsStore.set(() => ({ settings, loaded: true }));
  } catch (e) {
    settingsStore.set(() => before);
    throw e;
  }
}

/** Sign-out: the next person starts from their own settings. */
export function resetNotificationSettings(): void {
  settingsStore.set(() => ({ settings: DEFAULTS, loaded: false }));
}
