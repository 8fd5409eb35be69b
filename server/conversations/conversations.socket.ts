import { conversationReadPayloadSchema, typingPayloadSchema } from '../../shared/schemas/conversations.js';
import type { Realtime } from '../realtime.js';
import type { SocketEvents } from '../transport/socket.js';
import type { ConversationsService } from './conversations.service.js';
import type { TypingThrottle } from './typing-throttle.js';

/** Registered once for the process; every socket shares them (transport/socket.ts SocketEvents). */
export function registerConversationEvents(
  events: SocketEvents,
  conversations: ConversationsService,
  realtime: Realtime,
  typingThrottle: TypingThrottle,
): void {
  events.ack('conversation:read', conversationReadPayloadSchema, async (input, auth) => {
    await conversations.markRead(auth.user.id, input.conversationId, input.seq);
    return {};
  });

  // Typing goes to the other members only; a non-member's typing reaches no one. A flood is
  // dropped before any database work: only signals that will be relayed check membership.
  events.event('typing', typingPayloadSchema, async (input, auth) => {
    if (!(await typingThrottle.allow(auth.user.id, input.conversationId, input.typing))) return;
    const conv = await conversations.requireMember(input.conversationId, auth.user.id);
    realtime
      .toUsersExcept(conv.memberIds.map(String), auth.user.id)
      .emit('typing', { conversationId: input.conversationId, userId: auth.user.id, typing: input.typing });
  });
}
