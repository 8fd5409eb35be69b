import type { Types } from 'mongoose';
import type { ConversationKind } from '../../shared/schemas/conversations.js';

/** Who belongs to a conversation: what every send, read and typing signal asks. */
export interface Membership {
  readonly _id: Types.ObjectId;
  readonly kind: ConversationKind;
  /** In stored order: the recipients of the conversation's events. */
  readonly memberIds: readonly string[];
  /** The same ids, for the membership check. */
  readonly members: ReadonlySet<string>;
  /** An ended meeting's conversation: read-only (MessagingService.send refuses). */
  readonly closed?: boolean;
}

interface Entry {
  membership: Membership;
  loadedAt: number;
}

/**
 * The members of recently used conversations, kept in this process so that a send asks the
 * database nothing about membership. Bounded (least recently used goes first) and dropped by
 * every membership change (ConversationsService.membersChanged, in every process). The age limit
 * only bounds the damage of an invalidation that never arrived (Redis down for a moment).
 */
export class MembershipCache {
  private readonly entries = new Map<string, Entry>();
  /** Loads under way, so that a burst of sends to a cold conversation reads it once. */
  private readonly loading = new Map<string, Promise<Membership | null>>();

  constructor(
    private readonly load: (conversationId: string) => Promise<Membership | null>,
    private readonly maxEntries = 10_000,
    private readonly maxAgeMs = 60_000,
  ) {}

  /** The membership, from memory when known; null for a conversation that does not exist. */
  get(conversationId: string): Promise<Membership | null> {
    const entry = this.entries.get(conversationId);
    if (entry && Date.now() - entry.loadedAt < this.maxAgeMs) {
      // Re-insert so the Map's order stays least-recently-used first.
      this.entries.delete(conversationId);
      this.entries.set(conversationId, entry);
      return Promise.resolve(entry.membership);
    }
    return this.loading.get(conversationId) ?? this.startLoad(conversationId);
  }

  /** Forgets a conversation; a load under way when it changed is not kept either. */
  drop(conversationId: string): void {
    this.entries.delete(conversationId);
    this.loading.delete(conversationId);
  }

  get size(): number {
    return this.entries.size;
  }

  private startLoad(conversationId: string): Promise<Membership | null> {
    const loadedAt = Date.now();
    const pending = this.load(conversationId).then(
      (membership) => {
        // Kept only if nothing dropped this conversation while the read was under way: the read
        // may have seen the members from before the change.
        if (this.loading.get(conversationId) === pending) {
          this.loading.delete(conversationId);
          if (membership) this.remember(conversationId, { membership, loadedAt });
        }
        return membership;
      },
      (err: unknown) => {
        if (this.loading.get(conversationId) === pending) this.loading.delete(conversationId);
        throw err;
      },
    );
    this.loading.set(conversationId, pending);
    return pending;
  }

  private remember(conversationId: string, entry: Entry): void {
    this.entries.set(conversationId, entry);
    if (this.entries.size > this.maxEntries) {
      this.entries.delete(this.entries.keys().next().value!);
    }
  }
}
