import type { Conversation } from '../../../../shared/schemas/conversations.js';
import { appStore } from '../../app/state';
import { api } from '../../net/api';
import { conversationUpserted } from '../apply';
import { conversationChanged } from '../list';

/**
 * A group's or channel's name and members (its creator, supervisors and admins), and joining a
 * channel. The server tells every member's connections (`conversation:updated`, `conversation:new`,
 * `conversation:left`); each call also applies its own answer, so this tab does not wait.
 */

export async function renameConversation(conversationId: string, title: string): Promise<void> {
  const conversation = await api.patch<Conversation>(`/api/conversations/${conversationId}`, { title });
  appStore.set((s) => conversationChanged(s, conversation));
}

export async function addMembers(conversationId: string, userIds: string[]): Promise<void> {
  const conversation = await api.post<Conversation>(`/api/conversations/${conversationId}/members`, { userIds });
  appStore.set((s) => conversationChanged(s, conversation));
}

export async function removeMember(conversationId: string, userId: string): Promise<void> {
  await api.delete<void>(`/api/conversations/${conversationId}/members/${userId}`);
  appStore.set((s) => {
    const held = s.conversations[conversationId];
    return held ? conversationChanged(s, { ...held, memberIds: held.memberIds.filter((id) => id !== userId) }) : s;
  });
}

/** Joins a channel open to me; it appears in my list at once. */
export async function joinChannel(conversationId: string): Promise<Conversation> {
  const conversation = await api.post<Conversation>(`/api/conversations/${conversationId}/join`);
  appStore.set((s) => (s.conversations[conversation.id] ? conversationChanged(s, conversation) : conversationUpserted(s, conversation)));
  return conversation;
}

/** May I rename it and change its members? Its creator, supervisors and admins (the server decides). */
export function mayManage(conversation: Conversation, me: { id: string; role: string } | null): boolean {
  if (!me || conversation.kind === 'dm' || conversation.kind === 'meeting') return false;
  return conversation.createdBy === me.id || me.role === 'supervisor' || me.role === 'admin';
}
