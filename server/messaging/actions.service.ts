import { Types, type Connection, type Model } from 'mongoose';
import { AppError } from '../../shared/errors.js';
import { MAX_REACTIONS_PER_MESSAGE, REPLY_SNIPPET_CHARS } from '../../shared/reactions.js';
import type { User } from '../../shared/schemas/auth.js';
import type { Message } from '../../shared/schemas/conversations.js';
import type {
  AcksAnswer,
  MessageDeletePayload,
  MessageEditPayload,
  MessageIdPayload,
  MessagePinPayload,
  MessageReactPayload,
  PinsAnswer,
} from '../../shared/schemas/message-actions.js';
import type { Clock } from '../clock.js';
import type { Config } from '../config.js';
import type { ConversationsService } from '../conversations/conversations.service.js';
import type { Membership } from '../conversations/membership-cache.js';
import { isDuplicateKey } from '../db/errors.js';
import type { DirectoryService } from '../directory/directory.service.js';
import type { FilesService } from '../files/files.service.js';
import { KeyedQueue } from '../lib/keyed-queue.js';
import type { Realtime } from '../realtime.js';
import { findMentions } from './mentions.js';
import { ackModel, changeCounterModel, type AckDoc, type ChangeCounterDoc } from './message-extras.model.js';
import { factsOf, MessageFactsCache, type MessageFacts } from './message-facts.js';
import { messageModel, WITHOUT_SEARCH_FIELDS, type MessageDoc } from './message.model.js';
import { editedSearchFields, SEARCH_FIELD_NAMES } from '../search/search-fields.js';
import { toMessageDto } from './message.queries.js';

const oid = (id: string) => new Types.ObjectId(id);
const MAX_PINS_LISTED = 100;

/** What `send` stores as `replyTo`: a snapshot of the original, kept in step by edit and take-back. */
export interface StoredReplyTo {
  id: Types.ObjectId;
  seq: number;
  senderId: Types.ObjectId;
  body: string;
  deletedAt?: Date;
}

type Filter = Record<string, unknown>;
type Update = Record<string, unknown> | Record<string, unknown>[];

/**
 * Actions on existing messages: edit, take back (送信取消), react, pin, confirm (確認) and remind.
 * Writes `messages` (together with MessagingService, the capability's other writer), and is the
 * only writer of `messagechanges` and `messageacks`. README.md beside this file, "Message actions",
 * states the guarantees.
 *
 * Every change follows one shape (`change`): check what can be checked without the database (the
 * message's immutable facts from memory, membership from the conversations' cache, author, window),
 * then, inside the conversation's queue, take the next change number (one `$inc` on
 * `messagechanges`) and apply ONE conditional `findOneAndUpdate` to the message that also sets
 * `changeSeq`; the condition carries whatever could have changed (not taken back, not already
 * reacted …). Only if the condition fails is the message read, to say why.
 */
export class MessageActionsService {
  readonly facts = new MessageFactsCache();
  private readonly messages: Model<MessageDoc>;
  private readonly counters: Model<ChangeCounterDoc>;
  private readonly acks: Model<AckDoc>;
  /** Changes to one conversation run one at a time in this process: change numbers are applied in order. */
  private readonly queue = new KeyedQueue();

  constructor(
    conn: Connection,
    private readonly config: Config,
    private readonly conversations: ConversationsService,
    private readonly directory: DirectoryService,
    private readonly realtime: Realtime,
    private readonly files: FilesService,
    private readonly clock: Clock,
  ) {
    this.messages = messageModel(conn);
    this.counters = changeCounterModel(conn);
    this.acks = ackModel(conn);
  }

  async init(): Promise<void> {
    await Promise.all([this.acks.createIndexes(), this.counters.createIndexes()]);
  }

  // ── check ───────────────────────────────────────────────────

  /** The message's immutable facts: from memory, else one read; `not_found` if there is no such message. */
  private async factsFor(messageId: string): Promise<MessageFacts> {
    const known = this.facts.get(messageId);
    if (known) return known;
    const doc = await this.messages.collection.findOne<MessageDoc>(
      { _id: oid(messageId) },
      { projection: { conversationId: 1, senderId: 1, createdAt: 1, system: 1, ackRequested: 1 } },
    );
    if (!doc) throw new AppError('not_found', 'message not found');
    const facts = factsOf(doc);
    this.facts.remember(messageId, facts);
    return facts;
  }

  /** The message's facts and its conversation's membership, if the actor is a member (else 403). */
  private async asMember(actorId: string, messageId: string): Promise<{ facts: MessageFacts; membership: Membership }> {
    const facts = await this.factsFor(messageId);
    const membership = await this.conversations.requireMember(facts.conversationId, actorId);
    return { facts, membership };
  }

  /** An ended meeting's record is final (server/meetings): its messages are not edited, taken back, reacted to or pinned. */
  private static requireOpen(membership: Membership): void {
    if (membership.closed) throw new AppError('forbidden', '終了した打ち合わせの発言は変更できません');
  }

  /** Edit and take-back: the author's own message, not a system one, within the configured window. */
  private checkAuthor(actorId: string, facts: MessageFacts, what: 'edit' | 'take back', windowS: number): void {
    if (facts.system) throw new AppError('forbidden', `system messages cannot be changed`);
    if (facts.senderId !== actorId) throw new AppError('forbidden', `only the author can ${what} a message`);
    if (windowS > 0 && this.clock().getTime() - facts.createdAt.getTime() > windowS * 1000) {
      throw new AppError('forbidden', `the time to ${what} this message has passed (${windowLabel(windowS)} after sending)`);
    }
  }

  // ── do ──────────────────────────────────────────────────────

  /**
   * In the conversation's queue: take the next change number and apply one conditional update to
   * the message; on success tell `audience` (the members, unless said otherwise) with
   * `message:updated`. Null when the condition did not hold (nothing was changed but the counter).
   */
  private change(
    facts: MessageFacts,
    messageId: string,
    audience: readonly string[],
    build: (changeSeq: number, now: Date) => { filter: Filter; update: Update },
    after?: (changeSeq: number, now: Date, doc: MessageDoc) => Promise<void>,
  ): Promise<Message | null> {
    return this.queue.run(facts.conversationId, async () => {
      const changeSeq = await this.nextChangeSeq(facts.conversationId);
      const now = this.clock();
      const { filter, update } = build(changeSeq, now);
      const doc = await this.messages.collection.findOneAndUpdate({ _id: oid(messageId), ...filter }, update, {
        returnDocument: 'after',
        projection: WITHOUT_SEARCH_FIELDS,
      });
      if (!doc) return null;
      if (after) await after(changeSeq, now, doc as MessageDoc);
      const message = toMessageDto(doc as MessageDoc);
      this.realtime.toUsers(audience).emit('message:updated', { message });
      return message;
    });
  }

  /**
   * The conversation's next change number: one `$inc` (upserted) on `messagechanges`. A number taken
   * by a change whose condition then fails is simply never used: readers only compare (README.md).
   */
  private async nextChangeSeq(conversationId: string): Promise<number> {
    const counter = await this.counters.collection.findOneAndUpdate(
      { _id: oid(conversationId) },
      { $inc: { changeSeq: 1 } },
      { upsert: true, returnDocument: 'after' },
    );
    return counter!.changeSeq;
  }

  /** The message as stored now (to explain a failed condition); `not_found` if it is gone. */
  private async current(messageId: string): Promise<MessageDoc> {
    const doc = await this.messages.collection.findOne<MessageDoc>({ _id: oid(messageId) }, { projection: WITHOUT_SEARCH_FIELDS });
    if (!doc) throw new AppError('not_found', 'message not found');
    return doc;
  }

  /** `message:edit`: the author replaces the text; the earlier one is kept in `edits` (never sent). */
  async edit(actor: User, input: MessageEditPayload): Promise<Message> {
    const { facts, membership } = await this.asMember(actor.id, input.messageId);
    MessageActionsService.requireOpen(membership);
    this.checkAuthor(actor.id, facts, 'edit', this.config.MESSAGE_EDIT_WINDOW_S);
    const mentions = input.body.includes('@') ? findMentions(input.body, await this.directory.getUsers(membership.memberIds)).map(oid) : [];
    const changed = await this.change(
      facts,
      input.messageId,
      membership.memberIds,
      (changeSeq, now) => ({
        filter: { senderId: oid(actor.id), deletedAt: { $exists: false }, body: { $ne: input.body } },
        // A pipeline, so the earlier text moves into `edits` in the same single write. $literal:
        // what people type may start with `$`, which would otherwise read as a field path.
        update: [
          {
            $set: {
              edits: { $concatArrays: [{ $ifNull: ['$edits', []] }, [{ body: '$body', at: now }]] },
              body: { $literal: input.body },
              // The people it mentioned (chosen as ids in the picker) stay mentioned; `@loginId`
              // tokens typed into the new text add to them.
              mentions: { $setUnion: [{ $ifNull: ['$mentions', []] }, { $literal: mentions }] },
              editedAt: now,
              changeSeq,
              // Found by its current text (server/search), its files' names still with it.
              ...editedSearchFields(input.body),
            },
          },
        ],
      }),
      (changeSeq) => this.updateQuotes(facts.conversationId, input.messageId, { 'replyTo.body': snippetOf(input.body), changeSeq }),
    );
    if (changed) return changed;
    const doc = await this.current(input.messageId);
    if (doc.deletedAt) throw new AppError('conflict', 'this message was taken back');
    return toMessageDto(doc); // the same text again: nothing to change
  }

  /**
   * `message:delete` (送信取消): `body` becomes '' for everyone and the text moves to `takenBackBody`
   * (kept for the record, never sent); its files move to `takenBackFiles` and stop being listed and
   * served (server/files); reactions and pin leave the view; `seq` stays. Taking back twice answers
   * the taken-back message again.
   */
  async takeBack(actor: User, input: MessageDeletePayload): Promise<Message> {
    const { facts, membership } = await this.asMember(actor.id, input.messageId);
    MessageActionsService.requireOpen(membership);
    this.checkAuthor(actor.id, facts, 'take back', this.config.MESSAGE_TAKE_BACK_WINDOW_S);
    const changed = await this.change(
      facts,
      input.messageId,
      membership.memberIds,
      (changeSeq, now) => ({
        filter: { senderId: oid(actor.id), deletedAt: { $exists: false } },
        update: [
          { $set: { takenBackBody: '$body', takenBackFiles: '$files', body: '', deletedAt: now, changeSeq } },
          // Out of search with its text: the search fields go in the same write (server/search).
          { $unset: ['pinnedAt', 'pinnedBy', 'files', ...SEARCH_FIELD_NAMES] },
        ],
      }),
      async (changeSeq, now, doc) => {
        await Promise.all([
          this.updateQuotes(facts.conversationId, input.messageId, { 'replyTo.body': '', 'replyTo.deletedAt': now, changeSeq }),
          doc.takenBackFiles?.length ? this.files.takeBack(input.messageId, now) : undefined,
        ]);
      },
    );
    return changed ?? toMessageDto(await this.current(input.messageId));
  }

  /**
   * Replies quote the original: its edits and take-back reach their snapshots with the same change
   * number, in one `updateMany` (no per-reply work). Clients holding the replies update their quotes
   * from the original's `message:updated`; a catch-up finds the replies by that number.
   */
  private async updateQuotes(conversationId: string, messageId: string, set: Record<string, unknown>): Promise<void> {
    await this.messages.collection.updateMany({ conversationId: oid(conversationId), 'replyTo.id': oid(messageId) }, { $set: set });
  }

  /** `message:react`: a member turns their own reaction on or off; members get `message:updated`. */
  async react(actor: User, input: MessageReactPayload): Promise<Message> {
    const { facts, membership } = await this.asMember(actor.id, input.messageId);
    MessageActionsService.requireOpen(membership);
    if (facts.system) throw new AppError('forbidden', 'system messages take no reactions');
    const pair = { r: input.reaction, u: oid(actor.id) };
    const changed = await this.change(facts, input.messageId, membership.memberIds, (changeSeq) =>
      input.on
        ? {
            filter: {
              deletedAt: { $exists: false },
              reactions: { $not: { $elemMatch: pair } },
              // Bounded, so no message (and no event carrying it) grows without limit.
              [`reactions.${MAX_REACTIONS_PER_MESSAGE - 1}`]: { $exists: false },
            },
            update: { $push: { reactions: pair }, $set: { changeSeq } },
          }
        : { filter: { reactions: { $elemMatch: pair } }, update: { $pull: { reactions: pair }, $set: { changeSeq } } },
    );
    if (changed) return changed;
    const doc = await this.current(input.messageId);
    if (doc.deletedAt) throw new AppError('conflict', 'this message was taken back');
    const has = (doc.reactions ?? []).some((p) => p.r === pair.r && String(p.u) === actor.id);
    if (input.on && !has) throw new AppError('bad_request', `a message holds at most ${MAX_REACTIONS_PER_MESSAGE} reactions`);
    return toMessageDto(doc); // already as asked
  }

  /** `message:pin`: any member pins or unpins; members get `message:updated`. */
  async pin(actor: User, input: MessagePinPayload): Promise<Message> {
    const { facts, membership } = await this.asMember(actor.id, input.messageId);
    MessageActionsService.requireOpen(membership);
    if (facts.system) throw new AppError('forbidden', 'system messages cannot be pinned');
    const changed = await this.change(facts, input.messageId, membership.memberIds, (changeSeq, now) =>
      input.on
        ? {
            filter: { deletedAt: { $exists: false }, pinnedAt: { $exists: false } },
            update: { $set: { pinnedAt: now, pinnedBy: oid(actor.id), changeSeq } },
          }
        : { filter: { pinnedAt: { $exists: true } }, update: { $unset: { pinnedAt: '', pinnedBy: '' }, $set: { changeSeq } } },
    );
    if (changed) return changed;
    const doc = await this.current(input.messageId);
    if (doc.deletedAt && input.on) throw new AppError('conflict', 'this message was taken back');
    return toMessageDto(doc);
  }

  /** The conversation's pinned messages, the latest pinned first (members only). */
  async pins(actorId: string, conversationId: string): Promise<PinsAnswer> {
    await this.conversations.requireMember(conversationId, actorId);
    const docs = await this.messages.collection
      .find<MessageDoc>({ conversationId: oid(conversationId), pinnedAt: { $exists: true } })
      .sort({ pinnedAt: -1 })
      .limit(MAX_PINS_LISTED)
      .toArray();
    return { messages: docs.filter((d) => !d.deletedAt).map(toMessageDto) };
  }

  /**
   * `message:ack`: a recipient confirms a 確認依頼. The unique `{messageId, userId}` index makes it
   * idempotent (a second confirmation changes nothing and tells no one). The new count goes to the
   * sender (who follows it) and the confirmer's own connections, not to every member: in a
   * 500-member group that would be 500 events per confirmation for a number only the sender shows.
   */
  async ack(actor: User, input: MessageIdPayload): Promise<void> {
    const { facts } = await this.asMember(actor.id, input.messageId);
    if (!facts.ackRequested) throw new AppError('bad_request', 'this message does not ask for confirmation');
    if (facts.senderId === actor.id) throw new AppError('bad_request', 'the sender does not confirm their own message');
    const at = this.clock();
    try {
      await this.acks.collection.insertOne({
        _id: new Types.ObjectId(),
        messageId: oid(input.messageId),
        conversationId: oid(facts.conversationId),
        userId: oid(actor.id),
        at,
      });
    } catch (err) {
      if (isDuplicateKey(err)) return; // confirmed before: nothing more to do
      throw err;
    }
    await this.change(facts, input.messageId, [facts.senderId, actor.id], (changeSeq) => ({
      filter: {},
      update: { $inc: { ackCount: 1 }, $set: { changeSeq } },
    }));
  }

  /** Who of the recipients (the members now, less the sender) confirmed, and who not. Members only. */
  async acksOf(actorId: string, messageId: string): Promise<AcksAnswer> {
    const { facts, membership } = await this.asMember(actorId, messageId);
    if (!facts.ackRequested) throw new AppError('bad_request', 'this message does not ask for confirmation');
    const acked = await this.ackedBy(messageId);
    const done = new Set(acked);
    const pending = membership.memberIds.filter((id) => id !== facts.senderId && !done.has(id));
    return { acked, pending };
  }

  private async ackedBy(messageId: string): Promise<string[]> {
    const docs = await this.acks.collection
      .find<AckDoc>({ messageId: oid(messageId) }, { projection: { _id: 0, userId: 1 } })
      .sort({ at: 1 })
      .toArray();
    return docs.map((d) => d.userId.toHexString());
  }

  /**
   * `message:remind`: the sender asks those who have not confirmed again; each of them gets
   * `message:reminder`. At most once per ACK_REMIND_INTERVAL_S per message, held by a conditional
   * write of `remindedAt` on the message (so it holds across processes and restarts); too soon is
   * `rate_limited` with `retryAfterS`. Nobody pending: nothing is written or sent.
   */
  async remind(actor: User, input: MessageIdPayload): Promise<{ reminded: number }> {
    const { facts, membership } = await this.asMember(actor.id, input.messageId);
    if (facts.senderId !== actor.id) throw new AppError('forbidden', 'only the sender can remind');
    if (!facts.ackRequested) throw new AppError('bad_request', 'this message does not ask for confirmation');
    const done = new Set(await this.ackedBy(input.messageId));
    const pending = membership.memberIds.filter((id) => id !== actor.id && !done.has(id));
    if (pending.length === 0) return { reminded: 0 };
    const now = this.clock();
    const intervalMs = this.config.ACK_REMIND_INTERVAL_S * 1000;
    const doc = await this.messages.collection.findOneAndUpdate(
      {
        _id: oid(input.messageId),
        deletedAt: { $exists: false },
        $or: [{ remindedAt: { $exists: false } }, { remindedAt: { $lte: new Date(now.getTime() - intervalMs) } }],
      },
      { $set: { remindedAt: now } },
      { returnDocument: 'after' },
    );
    if (!doc) {
      const stored = await this.current(input.messageId);
      if (stored.deletedAt) throw new AppError('conflict', 'this message was taken back');
      const waitS = Math.max(1, Math.ceil(((stored.remindedAt?.getTime() ?? 0) + intervalMs - now.getTime()) / 1000));
      throw new AppError('rate_limited', `a reminder was sent less than ${windowLabel(this.config.ACK_REMIND_INTERVAL_S)} ago`, {
        retryAfterS: waitS,
      });
    }
    const message = toMessageDto(doc as MessageDoc);
    this.realtime
      .toUsers(pending)
      .emit('message:reminder', { conversationId: facts.conversationId, messageId: input.messageId, senderId: actor.id, message });
    return { reminded: pending.length };
  }

  /**
   * For `message:send` with `replyToId`: the original (of the same conversation, else `bad_request`)
   * as the reply stores it, its text cut to a snippet, blank if it was taken back.
   */
  async replyToFor(conversationId: string, replyToId: string): Promise<StoredReplyTo> {
    const doc = await this.messages.collection.findOne<MessageDoc>(
      { _id: oid(replyToId) },
      { projection: { conversationId: 1, seq: 1, senderId: 1, body: 1, deletedAt: 1, createdAt: 1, system: 1, ackRequested: 1 } },
    );
    if (!doc || doc.conversationId.toHexString() !== conversationId) {
      throw new AppError('bad_request', 'replyToId must be a message of the same conversation');
    }
    this.facts.remember(replyToId, factsOf(doc));
    const replyTo: StoredReplyTo = { id: doc._id, seq: doc.seq, senderId: doc.senderId, body: doc.deletedAt ? '' : snippetOf(doc.body) };
    if (doc.deletedAt) replyTo.deletedAt = doc.deletedAt;
    return replyTo;
  }
}

/** The first REPLY_SNIPPET_CHARS characters (code points) of a body. */
function snippetOf(body: string): string {
  const chars = [...body];
  return chars.length <= REPLY_SNIPPET_CHARS ? body : chars.slice(0, REPLY_SNIPPET_CHARS).join('');
}

function windowLabel(seconds: number): string {
  if (seconds % 3600 === 0) return `${seconds / 3600} h`;
  if (seconds % 60 === 0) return `${seconds / 60} min`;
  return `${seconds} s`;
}
