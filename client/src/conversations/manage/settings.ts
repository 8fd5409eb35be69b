import type { ConversationSettingsEvent } from '../../../../shared/schemas/conversation-management.js';
import type { Conversation } from '../../../../shared/schemas/conversations.js';
import { appStore, type AppState } from '../../app/state';
import { api } from '../../net/api';

/**
 * The person's own mute and favourite of a conversation, kept on the server. The server tells
 * every connection of theirs (`conversation:settings`); the call here also applies its own
 * answer, so this tab does not wait for the event. (Names and members: members.ts, loaded with
 * the dialogs that use it.)
 */

/** `conversation:settings` (or our own answer): the person's mute/favourite of one conversation. */
export function settingsChanged(state: AppState, event: ConversationSettingsEvent): AppState {
  const held = state.conversations[event.conversationId];
  if (!held) return state;
  if (Boolean(held.muted) === event.muted && Boolean(held.favourite) === event.favourite) return state;
  return { ...state, conversations: { ...state.conversations, [held.id]: withSettings(held, event) } };
}

/** The conversation with these settings; each flag is present only when true (as the server sends it). */
export function withSettings(conversation: Conversation, settings: { muted?: boolean; favourite?: boolean }): Conversation {
  const { muted: _m, favourite: _f, ...rest } = conversation;
  return { ...rest, ...(settings.muted ? { muted: true } : {}), ...(settings.favourite ? { favourite: true } : {}) };
}

export async function setConversationSettings(conversationId: string, patch: { muted?: boolean; favourite?: boolean }): Promise<void> {
  const event = await api.put<ConversationSettingsEvent>(`/api/conversations/${conversationId}/settings`, patch);
  appStore.set((s) => settingsChanged(s, event));
}
