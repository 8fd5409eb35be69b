import type { Conversation, Message } from '../../../shared/schemas/conversations.js';
import { appStore } from '../app/state';
import { createStore, useStore } from '../app/store';
import { navigate } from '../app/router';
import { conversationTitle } from '../conversations/title';
import type { Translate } from '../i18n/i18n';
import { onMessage } from '../net/socket';
import { loadNotificationSettings, notificationSettings, resetNotificationSettings } from './settings';
import '../i18n/ja-screens'; // this screen's strings (kept out of the first load)

/**
 * Desktop notifications for direct messages, mentions of me (or @全員), acknowledgement requests
 * — or every message — as the person chose (settings.ts, kept on the server), whenever this
 * window does not have the focus: the chat window is often visible behind Excel, and a visible
 * tab is not a read one. Never for muted conversations. Off in this browser until the person
 * turns them on; only then does the browser ask for permission. localStorage keeps only that
 * choice and the day 「今はしない」 was chosen (never any message).
 */
export type NotifyPref = 'on' | 'off' | 'undecided';
const STORAGE_KEY = 'notifications';
/** The day (YYYY-MM-DD, local) 「今はしない」 was chosen: the offer comes back on another day. */
const LATER_KEY = 'notifications-later';

function readStorage(key: string): string | null {
  try {
    return localStorage.getItem(key);
  } catch {
    return null;
  }
}

function writeStorage(key: string, value: string | null): void {
  try {
    if (value === null) localStorage.removeItem(key);
    else localStorage.setItem(key, value);
  } catch {
    // Storage disabled: the choice lasts for this page.
  }
}

function readPref(): NotifyPref {
  const v = readStorage(STORAGE_KEY);
  return v === 'on' || v === 'off' ? v : 'undecided';
}

/** Today in the browser's calendar, as YYYY-MM-DD. */
function today(): string {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

const prefStore = createStore<{ pref: NotifyPref; permission: NotificationPermission | 'unsupported'; laterOn: string | null }>({
  pref: readPref(),
  permission: typeof Notification === 'undefined' ? 'unsupported' : Notification.permission,
  laterOn: readStorage(LATER_KEY),
});

export function useNotificationPref() {
  return useStore(prefStore, (s) => s);
}

/** Offer notifications now? Not after a decision, and not again on the day 「今はしない」 was chosen. */
export function shouldOffer(state: { pref: NotifyPref; permission: NotificationPermission | 'unsupported'; laterOn: string | null }): boolean {
  if (state.pref !== 'undecided' || state.permission === 'unsupported' || state.permission === 'denied') return false;
  return state.laterOn !== today();
}

export async function setNotifications(on: boolean): Promise<void> {
  let permission = prefStore.get().permission;
  if (on && permission === 'default') permission = await Notification.requestPermission();
  const pref: NotifyPref = on && permission === 'granted' ? 'on' : 'off';
  writeStorage(STORAGE_KEY, pref);
  writeStorage(LATER_KEY, null);
  prefStore.set(() => ({ pref, permission, laterOn: null }));
}

/** 「今はしない」: not now — the offer comes back another day (it is not "never"). */
export function notNow(): void {
  const laterOn = today();
  writeStorage(LATER_KEY, laterOn);
  prefStore.set((s) => ({ ...s, laterOn }));
}

/** The notifications this page has shown and not seen closed: their text is message content. */
const shown = new Set<Notification>();

/** Close every notification this page has shown (sign-out: no message text outlives the session). */
export function closeNotifications(): void {
  for (const notification of shown) notification.close();
  shown.clear();
  resetNotificationSettings();
}

/** Fields other parts of issue 9 add to the wire types (`ackRequested`, `muted`); read defensively. */
const ackRequested = (m: Message) => (m as Message & { ackRequested?: boolean }).ackRequested === true;
const muted = (c: Conversation) => (c as Conversation & { muted?: boolean }).muted === true;

/** Why this message notifies me, or null: the reasons the person turned on, the strongest first. */
export function notifyReason(message: Message, conversation: Conversation | undefined, meId: string | undefined): 'mention' | 'all-mention' | 'ack' | 'dm' | 'message' | null {
  if (!conversation || !meId || message.senderId === meId || message.system || message.deletedAt || muted(conversation)) return null;
  const settings = notificationSettings();
  if (settings.mentions && message.mentions.includes(meId)) return 'mention';
  if (settings.mentions && message.mentionsAll) return 'all-mention';
  if (settings.acks && ackRequested(message)) return 'ack';
  if (settings.dm && conversation.kind === 'dm') return 'dm';
  if (settings.all) return 'message';
  return null;
}

/** The window has the focus and is on screen: the person sees the app, no notification needed. */
function personIsLooking(): boolean {
  return document.visibilityState === 'visible' && document.hasFocus();
}

export function startNotifications(t: Translate): () => void {
  // The person's choices follow them: read from the server at sign-in (defaults meanwhile).
  void loadNotificationSettings().catch(() => {});
  return onMessage((message) => {
    const { pref, permission } = prefStore.get();
    if (pref !== 'on' || permission !== 'granted' || personIsLooking()) return;
    const state = appStore.get();
    const conversation = state.conversations[message.conversationId];
    const reason = notifyReason(message, conversation, state.me?.id);
    if (!reason || !conversation) return;
    const name = state.users[message.senderId]?.name ?? t('conv.unknownUser');
    const title =
      reason === 'mention'
        ? t('mention.notifyMention', { name })
        : reason === 'all-mention'
          ? t('mention.notifyAll', { name })
          : reason === 'ack'
            ? t('mention.notifyAck', { name })
            : t('notify.title', { name });
    const text = message.body.length > 120 ? `${message.body.slice(0, 120)}…` : message.body;
    // Outside a direct message, say where: 「庶務連絡」 then the text.
    const body = conversation.kind === 'dm' ? text : `${conversationTitle(conversation, state.users, state.me?.id, t)}\n${text}`;
    const notification = new Notification(title, { body, tag: message.conversationId, lang: document.documentElement.lang });
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
