import { io, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, OverviewMemberEvent, ServerToClientEvents } from '../../../shared/events.js';
import type { StaffImportProgressEvent } from '../../../shared/schemas/staff-import.js';
import type { TeleworkPlanEvent } from '../../../shared/schemas/telework-plans.js';
import type { Message } from '../../../shared/schemas/conversations.js';
import type { Presence, PresenceEvent, PresenceSetPayload } from '../../../shared/schemas/presence.js';
import type { Overview } from '../../../shared/schemas/telework.js';
import type { MessageReminderEvent } from '../../../shared/schemas/message-actions.js';
import type { Meeting, MeetingInvitedEvent, MeetingMarkEvent, MeetingWarningEvent } from '../../../shared/schemas/meetings.js';
import type { ErrorBody } from '../../../shared/errors.js';
import { appStore } from '../app/state';
import {
  conversationUpserted,
  hasGapBefore,
  messageArrived,
  messageUpdated,
  presenceChanged,
  readMarked,
  typingChanged,
} from '../conversations/apply';
import { conversationChanged, conversationRemoved } from '../conversations/list';
import { settingsChanged } from '../conversations/manage/settings';
import { fetchNewer, resync } from './sync';
import { flushOutbox, outboxDisconnected } from '../composer/outbox';
import { backoffMs, reportServerFine, reportServerTrouble } from './server-trouble';

/**
 * The one module that owns the Socket.IO connection (like Excalidraw's Portal): it connects after
 * sign-in, turns server events into state changes, tracks the connection state, and on every
 * (re)connect re-sends what is still pending and fetches what was missed. Everything else talks to
 * the server in real time through the functions exported here.
 */
export type AppSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

const ACK_TIMEOUT_MS = 15_000;

/**
 * Reconnect with jittered exponential backoff, so that 3,000 clients dropped by the same restart
 * come back spread out: the first attempt 0.5–1.5 s after the drop, each next one twice as late,
 * capped at 2–6 s (delay × (1 ± 0.5)). The catch-up then waits another 0–1 s (SYNC_JITTER_MS).
 */
const RECONNECTION = { reconnectionDelay: 1000, reconnectionDelayMax: 4000, randomizationFactor: 0.5 } as const;

let socket: AppSocket | null = null;
/** Handshakes refused in a row (not counting network errors, which socket.io-client retries itself). */
let refusals = 0;
let onSessionEnded: () => void = () => {};
const messageListeners = new Set<(message: Message) => void>();
const overviewListeners = new Set<(event: OverviewMemberEvent) => void>();
const connectListeners = new Set<() => void>();
const updateListeners = new Set<(message: Message) => void>();
const reminderListeners = new Set<(event: MessageReminderEvent) => void>();
const watched = new Set<string>();
const importListeners = new Set<(event: StaffImportProgressEvent) => void>();
const planListeners = new Set<(event: TeleworkPlanEvent) => void>();
const meetingListeners = new Set<(event: MeetingEvent) => void>();
/**
 * Meeting events that came before the meetings code (loaded after sign-in) listened: handed to the
 * first listener, so an invitation sent in that moment is not lost. A few at most.
 */
const earlyMeetingEvents: MeetingEvent[] = [];
const EARLY_MEETING_EVENTS_MAX = 20;

/** One of the `meeting:*` events, tagged with its name. */
export type MeetingEvent =
  | { type: 'invited'; event: MeetingInvitedEvent }
  | { type: 'updated'; event: { meeting: Meeting } }
  | { type: 'warning'; event: MeetingWarningEvent }
  | { type: 'mark'; event: MeetingMarkEvent };

export function setSessionEndedHandler(handler: () => void): void {
  onSessionEnded = handler;
}

export function isConnected(): boolean {
  return socket?.connected ?? false;
}

export function connectSocket(): void {
  if (socket) return;
  // The HttpOnly session cookie authenticates the handshake: no token is held by the page.
  const s: AppSocket = io({ path: '/socket.io', withCredentials: true, autoConnect: false, ...RECONNECTION });
  socket = s;
  appStore.set((st) => ({ ...st, connection: 'connecting' }));

  s.on('connect', () => {
    refusals = 0;
    reportServerFine();
    // A reconnect (not the first connect after sign-in) waits a random moment before catching up.
    const returning = appStore.get().everConnected;
    appStore.set((st) => ({ ...st, connection: 'connected', everConnected: true }));
    for (const departmentId of watched) s.emit('overview:watch', { departmentId }, () => {});
    // What was written while offline goes out now, in order, ahead of anything typed from here
    // on; it does not wait for the catch-up, which runs alongside.
    void flushOutbox();
    void resync({ jitter: returning });
    for (const listener of connectListeners) listener();
  });
  s.on('disconnect', (reason) => {
    appStore.set((st) => ({ ...st, connection: 'disconnected' }));
    outboxDisconnected();
    // The server closed this socket on purpose (sign-out elsewhere): it will not reconnect by itself.
    if (reason === 'io server disconnect') void checkSessionThenReconnect();
  });
  s.on('connect_error', (error) => {
    appStore.set((st) => ({ ...st, connection: st.everConnected ? 'disconnected' : 'connecting' }));
    // A refusal by the server's middleware is not retried by socket.io-client; network errors are.
    // Only `unauthenticated` ends the session; `unavailable` (the server cannot check it now, e.g.
    // its database is down) keeps the person signed in and retries with backoff.
    if (!s.active) {
      if (error.message === 'unauthenticated') return onSessionEnded();
      if (error.message === 'unavailable') reportServerTrouble();
      setTimeout(() => socket === s && s.connect(), backoffMs(refusals++));
    }
  });

  s.on('message:new', ({ message }) => receiveMessage(message));
  s.on('conversation:new', ({ conversation }) => appStore.set((st) => conversationUpserted(st, conversation)));
  s.on('conversation:read', (event) => appStore.set((st) => readMarked(st, event)));
  s.on('conversation:updated', ({ conversation }) => appStore.set((st) => conversationChanged(st, conversation)));
  s.on('conversation:left', ({ conversationId }) => appStore.set((st) => conversationRemoved(st, conversationId)));
  s.on('conversation:settings', (event) => appStore.set((st) => settingsChanged(st, event)));
  s.on('typing', (event) => appStore.set((st) => typingChanged(st, event)));
  s.on('message:updated', ({ message }) => {
    appStore.set((st) => messageUpdated(st, message));
    for (const listener of updateListeners) listener(message);
  });
  s.on('message:reminder', (event) => {
    for (const listener of reminderListeners) listener(event);
  });
  s.on('import:progress', (event) => {
    for (const listener of importListeners) listener(event);
  });
  s.on('telework:plan', (event) => {
    for (const listener of planListeners) listener(event);
  });
  s.on('meeting:invited', (event) => announceMeeting({ type: 'invited', event }));
  s.on('meeting:updated', (event) => announceMeeting({ type: 'updated', event }));
  s.on('meeting:warning', (event) => announceMeeting({ type: 'warning', event }));
  s.on('meeting:mark', (event) => announceMeeting({ type: 'mark', event }));
  s.on('presence', (event) => appStore.set((st) => presenceChanged(st, event)));
  s.on('overview:member', (event) => {
    appStore.set((st) => presenceChanged(st, { userId: event.member.user.id, presence: event.member.presence }));
    for (const listener of overviewListeners) listener(event);
  });

  s.connect();
}

async function checkSessionThenReconnect(): Promise<void> {
  const response = await fetch('/api/me', { credentials: 'same-origin', cache: 'no-store' }).catch(() => null);
  if (response?.status === 401) onSessionEnded();
  else socket?.connect();
}

export function disconnectSocket(): void {
  const s = socket;
  socket = null;
  watched.clear();
  earlyMeetingEvents.length = 0;
  s?.removeAllListeners();
  s?.disconnect();
}

function receiveMessage(message: Message): void {
  const state = appStore.get();
  const known = state.conversations[message.conversationId];
  const gap = hasGapBefore(state, message);
  appStore.set((st) => messageArrived(st, message));
  if (gap) void fetchNewer(message.conversationId).catch(() => {}); // the next reconnect catches up
  // A message in a conversation we have not heard of: we were added to it while away.
  if (!known) void resync();
  for (const listener of messageListeners) listener(message);
}

/** Be told of every incoming message (notifications, screen-reader announcements). */
export function onMessage(listener: (message: Message) => void): () => void {
  messageListeners.add(listener);
  return () => messageListeners.delete(listener);
}

type SendResult = { ok: true; message: Message } | { ok: false; error: ErrorBody | { code: 'timeout'; message: string } };

/** Emit `message:send`; resolves with the acknowledgement, or a `timeout` error. */
export function emitSend(payload: {
  conversationId: string;
  clientMsgId: string;
  body: string;
  mentions?: string[];
  mentionsAll?: boolean;
  replyToId?: string;
  ackRequested?: boolean;
  fileIds?: string[];
}): Promise<SendResult> {
  const s = socket;
  if (!s?.connected) return Promise.resolve({ ok: false, error: { code: 'timeout', message: 'not connected' } });
  return new Promise((resolve) => {
    s.timeout(ACK_TIMEOUT_MS).emit('message:send', payload, (err: Error | null, ack) => {
      if (err || !ack) resolve({ ok: false, error: { code: 'timeout', message: 'no acknowledgement' } });
      else resolve(ack);
    });
  });
}

export function markRead(conversationId: string, seq: number): void {
  socket?.emit('conversation:read', { conversationId, seq }, () => {});
}

export function sendTyping(conversationId: string, typing: boolean): void {
  if (socket?.connected) socket.emit('typing', { conversationId, typing });
}

export function reportActive(): void {
  if (socket?.connected) socket.emit('presence:active');
}

export function setPresence(payload: PresenceSetPayload): Promise<{ ok: true; presence: Presence } | { ok: false; error: ErrorBody }> {
  const s = socket;
  if (!s?.connected) return Promise.resolve({ ok: false, error: { code: 'unavailable', message: 'not connected' } });
  return new Promise((resolve) => {
    s.timeout(ACK_TIMEOUT_MS).emit('presence:set', payload, (err: Error | null, ack) => {
      if (err || !ack) resolve({ ok: false, error: { code: 'unavailable', message: 'no acknowledgement' } });
      else resolve(ack);
    });
  });
}

/** Follow a department overview live; the subscription is renewed after every reconnect. */
export function watchOverview(departmentId: string): Promise<{ ok: true; overview: Overview } | { ok: false; error: ErrorBody }> {
  watched.add(departmentId);
  const s = socket;
  if (!s?.connected) return Promise.resolve({ ok: false, error: { code: 'unavailable', message: 'not connected' } });
  return new Promise((resolve) => {
    s.timeout(ACK_TIMEOUT_MS).emit('overview:watch', { departmentId }, (err: Error | null, ack) => {
      if (err || !ack) resolve({ ok: false, error: { code: 'unavailable', message: 'no acknowledgement' } });
      else {
        if (!ack.ok) watched.delete(departmentId);
        resolve(ack);
      }
    });
  });
}

export function unwatchOverview(departmentId: string): void {
  watched.delete(departmentId);
  if (socket?.connected) socket.emit('overview:unwatch', { departmentId }, () => {});
}

export function onOverviewMember(listener: (event: OverviewMemberEvent) => void): () => void {
  overviewListeners.add(listener);
  return () => overviewListeners.delete(listener);
}

/** Be told of same-day telework notices of the people this supervisor oversees (the board). */
export function onTeleworkPlan(listener: (event: TeleworkPlanEvent) => void): () => void {
  planListeners.add(listener);
  return () => planListeners.delete(listener);
}

/** Be told how far the staff import this person started has got (administration). */
export function onImportProgress(listener: (event: StaffImportProgressEvent) => void): () => void {
  importListeners.add(listener);
  return () => importListeners.delete(listener);
}

/** Be told of every (re)connect, e.g. to renew a subscription the new connection does not have. */
export function onConnected(listener: () => void): () => void {
  connectListeners.add(listener);
  return () => connectListeners.delete(listener);
}

/** `presence:watch`: the whole set of people shown; resolves with their presences. */
export function emitPresenceWatch(userIds: readonly string[]): Promise<{ ok: true; presences: PresenceEvent[] } | { ok: false; error: ErrorBody }> {
  const s = socket;
  if (!s?.connected) return Promise.resolve({ ok: false, error: { code: 'unavailable', message: 'not connected' } });
  return new Promise((resolve) => {
    s.timeout(ACK_TIMEOUT_MS).emit('presence:watch', { userIds: [...userIds] }, (err: Error | null, ack) => {
      if (err || !ack) resolve({ ok: false, error: { code: 'unavailable', message: 'no acknowledgement' } });
      else resolve(ack);
    });
  });
}

/** Be told of every changed message (edit, take-back, reaction, pin, confirmation). */
export function onMessageUpdated(listener: (message: Message) => void): () => void {
  updateListeners.add(listener);
  return () => updateListeners.delete(listener);
}

/** Be told when a sender reminds this person to confirm a 確認依頼 (notifications can hook in here). */
export function onReminder(listener: (event: MessageReminderEvent) => void): () => void {
  reminderListeners.add(listener);
  return () => reminderListeners.delete(listener);
}

function announceMeeting(event: MeetingEvent): void {
  if (meetingListeners.size === 0) {
    if (earlyMeetingEvents.length < EARLY_MEETING_EVENTS_MAX) earlyMeetingEvents.push(event);
    return;
  }
  for (const listener of meetingListeners) listener(event);
}

/** Be told of every `meeting:*` event (the meetings feature); the first listener also gets the early ones. */
export function onMeetingEvent(listener: (event: MeetingEvent) => void): () => void {
  meetingListeners.add(listener);
  for (const early of earlyMeetingEvents.splice(0)) listener(early);
  return () => meetingListeners.delete(listener);
}

type ActionAck<T extends object> = ({ ok: true } & T) | { ok: false; error: ErrorBody };
type ActionEvent = 'message:edit' | 'message:delete' | 'message:react' | 'message:pin' | 'message:ack' | 'message:remind';

/**
 * Emit a message action (edit, take back, react, pin, confirm, remind); resolves with the
 * acknowledgement, or `unavailable` when offline or unanswered. Actions are not queued offline:
 * the person sees the failure and can try again.
 */
export function emitAction<T extends object = object>(event: ActionEvent, payload: object): Promise<ActionAck<T>> {
  const s = socket;
  if (!s?.connected) return Promise.resolve({ ok: false, error: { code: 'unavailable', message: 'not connected' } });
  return new Promise((resolve) => {
    (s as unknown as Socket).timeout(ACK_TIMEOUT_MS).emit(event, payload, (err: Error | null, ack: ActionAck<T> | undefined) => {
      if (err || !ack) resolve({ ok: false, error: { code: 'unavailable', message: 'no acknowledgement' } });
      else resolve(ack);
    });
  });
}
