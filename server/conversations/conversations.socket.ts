import type { Socket } from 'socket.io';
import { conversationReadPayloadSchema, typingPayloadSchema } from '../../shared/schemas/conversations.js';
import type { Realtime } from '../realtime.js';
import { onAck, onEvent } from '../transport/socket.js';
import type { ConversationsService } from './conversations.service.js';
import type { TypingThrottle } from './typing-throttle.js';

export function registerConversationEvents(
  socket: Socket,
  conversations: ConversationsService,
  realtime: Realtime,
  typingThrottle: TypingThrottle,
): void {
  onAck(socket, 'conversation:read', conversationReadPayloadSchema, async (input, auth) => {
    await conversations.markRead(auth.user.id, input.conversationId, input.seq);
    return {};
  });

  // Typing goes to the other members only; a non-member's typing reaches no one. A flood is
  // dropped before any database work: only signals that will be relayed check membership.
  onEvent(socket, 'typing', typingPayloadSchema, async (input, auth) => {
    if (!(await typingThrottle.allow(auth.user.id, input.conversationId, input.typing))) return;
    const conv = await conversations.requireMember(input.conversationId, auth.user.id);
    realtime
      .toUsersExcept(conv.memberIds.map(String), auth.user.id)
      .emit('typing', { conversationId: input.conversationId, userId: auth.user.id, typing: input.typing });
  });
}
