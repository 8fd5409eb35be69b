import type { Conversation } from '../../../shared/schemas/conversations.js';
import { appStore } from '../app/state';
import { navigate } from '../app/router';
import { api } from '../net/api';
import { conversationUpserted } from './apply';

/** Open the direct message with someone: the server returns the existing one if there is one. */
export async function openDirectMessage(userId: string): Promise<void> {
  const existing = Object.values(appStore.get().conversations).find(
    (c) => c.kind === 'dm' && c.memberIds.includes(userId) && c.memberIds.length === 2,
  );
  if (existing) {
    navigate(`/c/${existing.id}`);
    return;
  }
  await create({ kind: 'dm', memberIds: [userId] });
}

export async function create(body: {
  kind: 'dm' | 'group' | 'channel';
  memberIds: string[];
  title?: string;
  visibility?: 'department' | 'everyone' | 'members';
}): Promise<void> {
  const conversation = await api.post<Conversation>('/api/conversations', body);
  appStore.set((s) => conversationUpserted(s, s.conversations[conversation.id] ?? conversation));
  navigate(`/c/${conversation.id}`);
}
