import type { ErrorBody } from '../../../../shared/errors.js';
import type { Message } from '../../../../shared/schemas/conversations.js';
import type { AcksAnswer, MessageReminderEvent, PinsAnswer } from '../../../../shared/schemas/message-actions.js';
import { appStore } from '../../app/state';
import { createStore, useStore } from '../../app/store';
import { api, ApiError } from '../../net/api';
import { emitAction, onConnected, onMessageUpdated, onReminder } from '../../net/socket';
import { messageUpdated } from '../apply';

/**
 * Message actions in the web client: the calls (over the one socket module), and the small
 * pieces of state they need — the message being answered per conversation, a request to jump to a
 * message, confirmations known per message, reminders received. Nothing here is stored in the
 * browser: it lives in memory for the signed-in page.
 */

export type ActionResult = { ok: true } | { ok: false; error: ErrorBody };

/** Apply a changed message from an acknowledgement at once (the event follows, and merges as the same). */
function applied(ack: { ok: true; message?: Message } | { ok: false; error: ErrorBody }): ActionResult {
  if (!ack.ok) return ack;
  if (ack.message) appStore.set((s) => messageUpdated(s, ack.message!));
  return { ok: true };
}

export async function editMessage(messageId: string, body: string): Promise<ActionResult> {
  return applied(await emitAction<{ message: Message }>('message:edit', { messageId, body }));
}

export async function takeBackMessage(messageId: string): Promise<ActionResult> {
  return applied(await emitAction<{ message: Message }>('message:delete', { messageId }));
}

export async function reactToMessage(messageId: string, reaction: string, on: boolean): Promise<ActionResult> {
  return applied(await emitAction<{ message: Message }>('message:react', { messageId, reaction, on }));
}

export async function pinMessage(messageId: string, on: boolean): Promise<ActionResult> {
  const result = applied(await emitAction<{ message: Message }>('message:pin', { messageId, on }));
  return result;
}

export async function confirmMessage(messageId: string): Promise<ActionResult> {
  const ack = await emitAction('message:ack', { messageId });
  if (ack.ok) {
    dismissReminder(messageId);
    const me = appStore.get().me?.id;
    const known = ackStore.get()[messageId];
    if (me && known && !known.acked.includes(me)) {
      ackStore.set((s) => ({ ...s, [messageId]: { acked: [...known.acked, me], pending: known.pending.filter((id) => id !== me) } }));
    }
  }
  return ack.ok ? { ok: true } : ack;
}

export async function remindPending(messageId: string): Promise<{ ok: true; reminded: number } | { ok: false; error: ErrorBody }> {
  return emitAction<{ reminded: number }>('message:remind', { messageId });
}

// ── confirmations (確認依頼) ─────────────────────────────────

/** messageId → who confirmed and who not, as last fetched (`GET /api/messages/:id/acks`). */
const ackStore = createStore<Record<string, AcksAnswer>>({});
const fetching = new Map<string, Promise<void>>();

export function useAcks(messageId: string): AcksAnswer | undefined {
  return useStore(ackStore, (s) => s[messageId]);
}

/** Fetch (again) who confirmed; concurrent calls for one message share the request. */
export function loadAcks(messageId: string): Promise<void> {
  const running = fetching.get(messageId);
  if (running) return running;
  const run = api
    .get<AcksAnswer>(`/api/messages/${messageId}/acks`)
    .then((answer) => ackStore.set((s) => ({ ...s, [messageId]: answer })))
    .catch(() => {})
    .finally(() => fetching.delete(messageId));
  fetching.set(messageId, run);
  return run;
}

// ── pins ─────────────────────────────────────────────────────

export async function loadPins(conversationId: string): Promise<Message[]> {
  return (await api.get<PinsAnswer>(`/api/conversations/${conversationId}/pins`)).messages;
}

// ── the message being answered (返信) ─────────────────────────

const replyStore = createStore<Record<string, Message | undefined>>({});

export function useReplyTarget(conversationId: string): Message | undefined {
  return useStore(replyStore, (s) => s[conversationId]);
}

export function setReplyTarget(conversationId: string, message: Message | undefined): void {
  replyStore.set((s) => ({ ...s, [conversationId]: message }));
}

// ── jumping to a message (a quote's original, a pinned message) ─

export interface JumpRequest {
  conversationId: string;
  seq: number;
  /** A new request for the same seq jumps again. */
  nonce: number;
}

const jumpStore = createStore<JumpRequest | null>(null);
let jumps = 0;

export function jumpTo(conversationId: string, seq: number): void {
  jumps += 1;
  jumpStore.set(() => ({ conversationId, seq, nonce: jumps }));
}

export function useJumpRequest(conversationId: string): JumpRequest | null {
  return useStore(jumpStore, (s) => (s?.conversationId === conversationId ? s : null));
}

export function jumpDone(request: JumpRequest): void {
  jumpStore.set((s) => (s === request ? null : s));
}

// ── reminders received ───────────────────────────────────────

const reminderStore = createStore<MessageReminderEvent[]>([]);

export function useReminders(): MessageReminderEvent[] {
  return useStore(reminderStore, (s) => s);
}

export function dismissReminder(messageId: string): void {
  reminderStore.set((s) => s.filter((r) => r.messageId !== messageId));
}

/** Errors as the reader sees them: an ApiError's code, or the acknowledgement's. */
export function errorCode(error: unknown): string {
  if (error instanceof ApiError) return error.code;
  return 'internal';
}

let started = false;

/**
 * Listen for what concerns these pieces: reminders (kept until dismissed or confirmed), and
 * changes to a 確認依頼 whose confirmations are shown (fetched again). Once per page.
 */
export function startMessageActions(): void {
  if (started) return;
  started = true;
  onReminder((event) => reminderStore.set((s) => [...s.filter((r) => r.messageId !== event.messageId), event]));
  onMessageUpdated((message) => {
    if (message.ackRequested && ackStore.get()[message.id]) void loadAcks(message.id);
  });
  // What was confirmed while away: fetched again when next shown.
  onConnected(() => ackStore.set(() => ({})));
}
