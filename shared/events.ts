/**
 * The Socket.IO contract, typed once for both sides:
 * `Server<ClientToServerEvents, ServerToClientEvents, …>` and
 * `Socket<ServerToClientEvents, ClientToServerEvents>` in the client.
 * Payload shapes come from the zod schemas in ./schemas (z.infer), so the types cannot drift
 * from what the server validates.
 */
import type { ErrorBody } from './errors.js';
import type {
  Conversation,
  ConversationLeftEvent,
  ConversationReadEvent,
  ConversationReadPayload,
  Message,
  MessageSendPayload,
  TypingEvent,
  TypingPayload,
} from './schemas/conversations.js';
import type { ConversationSettingsEvent } from './schemas/conversation-management.js';
import type { Presence, PresenceBatch, PresenceEvent, PresenceSetPayload, PresenceWatchPayload } from './schemas/presence.js';
import type { Overview, OverviewMember } from './schemas/telework.js';
import type {
  MessageDeletePayload,
  MessageEditPayload,
  MessageIdPayload,
  MessagePinPayload,
  MessageReactPayload,
  MessageReminderEvent,
} from './schemas/message-actions.js';
import type { StaffImportProgressEvent } from './schemas/staff-import.js';
import type { TeleworkPlanEvent } from './schemas/telework-plans.js';
import type { Meeting, MeetingInvitedEvent, MeetingMarkEvent, MeetingWarningEvent } from './schemas/meetings.js';

/** Every acknowledgement: `{ok: true, ...}` or `{ok: false, error}`. Never a thrown error. */
export type Ack<T extends object = object> = ({ ok: true } & T) | { ok: false; error: ErrorBody };
export type AckCallback<T extends object = object> = (ack: Ack<T>) => void;

export interface OverviewMemberEvent {
  departmentId: string;
  member: OverviewMember;
  counts: Overview['counts'];
}

export interface ClientToServerEvents {
  'message:send': (payload: MessageSendPayload, ack: AckCallback<{ message: Message }>) => void;
  'conversation:read': (payload: ConversationReadPayload, ack?: AckCallback) => void;
  typing: (payload: TypingPayload) => void;
  'presence:set': (payload: PresenceSetPayload, ack: AckCallback<{ presence: Presence }>) => void;
  /** Any user activity (keys, pointer) that should end an automatic `away`. */
  'presence:active': () => void;
  /** A supervisor follows a department overview live. */
  'overview:watch': (payload: { departmentId: string }, ack: AckCallback<{ overview: Overview }>) => void;
  'overview:unwatch': (payload: { departmentId: string }, ack?: AckCallback) => void;
  /** The people this socket shows (replaces the previous set); acknowledged with their presences. */
  'presence:watch': (payload: PresenceWatchPayload, ack: AckCallback<{ presences: PresenceEvent[] }>) => void;
  // Message actions (the author edits and takes back; members react and pin; recipients confirm).
  'message:edit': (payload: MessageEditPayload, ack: AckCallback<{ message: Message }>) => void;
  'message:delete': (payload: MessageDeletePayload, ack: AckCallback<{ message: Message }>) => void;
  'message:react': (payload: MessageReactPayload, ack: AckCallback<{ message: Message }>) => void;
  'message:pin': (payload: MessagePinPayload, ack: AckCallback<{ message: Message }>) => void;
  'message:ack': (payload: MessageIdPayload, ack: AckCallback) => void;
  /** The sender reminds recipients who have not confirmed (at most once per hour per message). */
  'message:remind': (payload: MessageIdPayload, ack: AckCallback<{ reminded: number }>) => void;
}

export interface ServerToClientEvents {
  'message:new': (event: { message: Message }) => void;
  'conversation:new': (event: { conversation: Conversation }) => void;
  'conversation:read': (event: ConversationReadEvent) => void;
  typing: (event: TypingEvent) => void;
  /** One coalescing window's changes of the people this socket watches (and its own person). */
  presence: (events: PresenceBatch) => void;
  'overview:member': (event: OverviewMemberEvent) => void;
  /** Members or title changed; each remaining member gets the conversation as they see it. */
  'conversation:updated': (event: { conversation: Conversation }) => void;
  /** To the leaver's own connections: they are no longer a member. */
  'conversation:left': (event: ConversationLeftEvent) => void;
  /** To the person's own connections: their mute/favourite of a conversation changed (issue 9). */
  'conversation:settings': (event: ConversationSettingsEvent) => void;
  /** An existing message changed (edit, take-back, reaction, pin, confirmation). */
  'message:updated': (event: { message: Message }) => void;
  /** To each recipient who has not confirmed: the sender asks again. */
  'message:reminder': (event: MessageReminderEvent) => void;
  // Quick meetings (issue 10, server/meetings/README.md).
  /** To the invitees: an invitation (「参加する」/「後で」). */
  'meeting:invited': (event: MeetingInvitedEvent) => void;
  /** To every member: the meeting changed (started, joined, left, extended, agenda ticked, ended). */
  'meeting:updated': (event: { meeting: Meeting }) => void;
  /** To every member, once across processes: one minute is left. */
  'meeting:warning': (event: MeetingWarningEvent) => void;
  /** To every member: a decision or ToDo was marked, changed or removed. */
  'meeting:mark': (event: MeetingMarkEvent) => void;
  /** To the importing admin's own connections: a staff import's progress (issue 11). */
  'import:progress': (event: StaffImportProgressEvent) => void;
  /** To the supervisors of the person's department and those above: a same-day telework notice (issue 11). */
  'telework:plan': (event: TeleworkPlanEvent) => void;
}

/**
 * Between server processes (through the Redis adapter): the presences one process just pushed,
 * once per coalescing window, so that every process delivers them to its own watchers.
 */
export interface InterServerEvents {
  'presence:changed': (changes: PresenceEvent[]) => void;
  /** A conversation's members changed: drop its cached membership (ConversationsService.membersChanged). */
  'conversation:membersChanged': (conversationId: string) => void;
  /**
   * Sessions revoked (logout, account disabled, password reset): every process drops them from
   * its session cache, then acknowledges, so the revoking request answers only once all have.
   */
  'auth:forget': (target: { sessionIds: string[]; userIds: string[] }, ack: (done: true) => void) => void;
}
