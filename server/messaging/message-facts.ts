import type { Types } from 'mongoose';

/** What never changes about a stored message: enough to route and authorise an action on it. */
export interface MessageFacts {
  conversationId: string;
  senderId: string;
  createdAt: Date;
  system: boolean;
  ackRequested: boolean;
}

interface FactsSource {
  _id: Types.ObjectId;
  conversationId: Types.ObjectId;
  senderId: Types.ObjectId;
  createdAt: Date;
  system?: unknown;
  ackRequested?: boolean | null;
}

export function factsOf(doc: FactsSource): MessageFacts {
  return {
    conversationId: doc.conversationId.toHexString(),
    senderId: doc.senderId.toHexString(),
    createdAt: doc.createdAt,
    system: Boolean(doc.system),
    ackRequested: Boolean(doc.ackRequested),
  };
}

/**
 * Immutable facts of recently sent or touched messages, kept in this process so that an action
 * (a reaction, a confirmation) needs no read of the message before its one conditional update.
 * Safe to keep without invalidation: none of these fields ever changes once stored. Bounded, the
 * least recently used entry goes first.
 */
export class MessageFactsCache {
  private readonly entries = new Map<string, MessageFacts>();

  constructor(private readonly maxEntries = 50_000) {}

  get(messageId: string): MessageFacts | undefined {
    const facts = this.entries.get(messageId);
    if (facts) {
      this.entries.delete(messageId);
      this.entries.set(messageId, facts);
    }
    return facts;
  }

  remember(messageId: string, facts: MessageFacts): void {
    this.entries.delete(messageId);
    this.entries.set(messageId, facts);
    if (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
  }
}
