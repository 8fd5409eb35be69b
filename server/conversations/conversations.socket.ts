import type { Socket } from 'socket.io';
import { conversationReadPayloadSchema, typingPayloadSchema } from '../../shared/schemas/conversations.js';
import type { Realtime } from '../realtime.js';
import { onAck, onEvent } from '../transport/socket.js';
import type { ConversationsService } from './conversations.service.js';

export function registerConversationEvents(socket: Socket, conversations: ConversationsService, realtime: Realtime): void {
  onAck(socket, 'conversation:read', conversationReadPayloadSchema, async (input, auth) => {
    await conversations.markRead(auth.user.id, input.conversationId, input.seq);
    return {};
  });

  // Typing goes to the other members only; a non-member's typing reaches no one.
  onEvent(socket, 'typing', typingPayloadSchema, async (input, auth) => {
    const conv = await conversations.requireMember(input.conversationId, auth.user.id);
    realtime
      .toUsersExcept(conv.memberIds.map(String), auth.user.id)
      .emit('typing', { conversationId: input.conversationId, userId: auth.user.id, typing: input.typing });
  });
}
