import { appStore, type Outgoing } from '../app/state';
import { hasGapBefore, messageArrived } from '../conversations/apply';
import { newClientMsgId } from '../net/ids';
import { emitSend, isConnected } from '../net/socket';
import { fetchNewer } from '../net/sync';
import { forgetUploads, storedFileIds, uploadStore } from './attachments/uploads';

/**
 * Outgoing messages as a small state machine keyed by `clientMsgId` (like matrix-js-sdk's
 * transaction ids):
 *
 *   pending ──ack ok──> (removed; the stored message takes its place)
 *   pending ──ack error / no ack while connected──> failed ──retry──> pending
 *   pending while disconnected ──reconnect──> sent again with the same clientMsgId
 *   pending while disconnected for OFFLINE_GRACE_MS ──> failed
 *
 * The same clientMsgId on every attempt lets the server return the stored message instead of
 * storing a second copy, so a retry can never duplicate a message.
 *
 * A message with files (issue 12) waits, pending, until every one of its files is stored (their
 * uploads started when they were attached: ./attachments/uploads.ts); then it goes in the queue
 * with their `fileIds`, with the same clientMsgId idempotency. Messages without files do not wait
 * behind it: a message takes its place in the order once it is ready to go. A failed upload leaves
 * the message waiting, its chip offering to try again or to remove the file.
 *
 * Every send goes through one queue: the outbox, in the order the messages were written (the
 * order of its keys). One message is on the wire at a time, so the server stores them in that
 * order, and whatever was written while offline goes out, as soon as the socket connects,
 * before anything typed after it. While connected, the queue runs until nothing is pending:
 * a pending message is always either on the wire or next in line.
 */

const OFFLINE_GRACE_MS = 60_000;

/** What a send may carry besides the text: the message it answers, a 確認依頼, the people mentioned. */
export interface SendExtras {
  replyToId?: string;
  ackRequested?: boolean;
  mentions?: string[];
  mentionsAll?: boolean;
  /** Files attached (local upload ids, ./attachments/uploads.ts): the message waits until they are stored. */
  uploadIds?: string[];
}

function update(clientMsgId: string, change: (o: Outgoing) => Outgoing | undefined): void {
  appStore.set((s) => {
    const current = s.outbox[clientMsgId];
    if (!current) return s;
    const next = change(current);
    const outbox = { ...s.outbox };
    if (next) outbox[clientMsgId] = next;
    else delete outbox[clientMsgId];
    return { ...s, outbox };
  });
}


/** Show the message at once as pending, then queue it. Returns its clientMsgId. */
export function sendMessage(conversationId: string, body: string, extras: SendExtras = {}): string {
  const clientMsgId = newClientMsgId();
  const outgoing: Outgoing = { clientMsgId, conversationId, body, status: 'pending', createdAt: new Date().toISOString(), attempt: 0 };
  if (extras.replyToId) outgoing.replyToId = extras.replyToId;
  if (extras.ackRequested) outgoing.ackRequested = true;
  if (extras.mentions?.length) outgoing.mentions = extras.mentions;
  if (extras.mentionsAll) outgoing.mentionsAll = true;
  if (extras.uploadIds?.length) {
    outgoing.uploadIds = extras.uploadIds;
    watchUploads();
  }
  appStore.set((s) => ({ ...s, outbox: { ...s.outbox, [clientMsgId]: outgoing } }));
  queued(clientMsgId);
  return clientMsgId;
}

/** Send a failed message again, in its place in the queue, with the same clientMsgId. */
export function retryMessage(clientMsgId: string): void {
  // A new attempt number: timers of earlier attempts no longer apply to it.
  update(clientMsgId, (o) => (o.status === 'failed' ? { ...o, status: 'pending', error: undefined, attempt: o.attempt + 1 } : o));
  queued(clientMsgId);
}

export function discardMessage(clientMsgId: string): void {
  const ids = appStore.get().outbox[clientMsgId]?.uploadIds;
  update(clientMsgId, () => undefined);
  if (ids) forgetUploads(ids);
}

/** Its files are all stored (or it has none): the message may go. */
function ready(o: Outgoing): boolean {
  return !o.uploadIds || storedFileIds(o.uploadIds) !== null;
}

/**
 * While messages wait for their files: every change of an upload may make one ready (send it
 * then) or leave one with neither text nor files (its last file removed: drop it).
 */
let watching: (() => void) | null = null;
function watchUploads(): void {
  if (watching) return;
  let uploads = uploadStore.get().uploads;
  watching = uploadStore.subscribe(() => {
    if (uploadStore.get().uploads === uploads) return;
    uploads = uploadStore.get().uploads;
    const waiting = Object.values(appStore.get().outbox).filter((o) => o.uploadIds);
    if (waiting.length === 0) {
      watching?.();
      watching = null;
      return;
    }
    for (const o of waiting) {
      if (!o.body && o.uploadIds!.every((id) => !uploads[id])) discardMessage(o.clientMsgId);
    }
    if (isConnected() && waiting.some((o) => o.status === 'pending' && ready(o))) void pump();
  });
}

function queued(clientMsgId: string): void {
  if (isConnected()) void pump();
  else {
    const o = appStore.get().outbox[clientMsgId];
    if (o) failIfStillOffline(clientMsgId, o.attempt);
  }
}

/** Counts connections: a queue run belongs to the connection it started on. */
let connection = 0;
let running: { connection: number; done: Promise<void> } | null = null;

/** Send pending messages one at a time, oldest first, while this connection lasts. */
function pump(): Promise<void> {
  if (running && running.connection === connection) return running.done;
  const run = { connection, done: Promise.resolve() };
  running = run;
  run.done = (async () => {
    try {
      for (;;) {
        if (run.connection !== connection || !isConnected()) return;
        const next = Object.values(appStore.get().outbox).find((o) => o.status === 'pending' && ready(o));
        if (!next) return;
        await attempt(next.clientMsgId);
      }
    } finally {
      // (This may run before `run.done` is even assigned, when there is nothing to send.)
      if (running === run) running = null;
    }
  })();
  return run.done;
}

async function attempt(clientMsgId: string): Promise<void> {
  const outgoing = appStore.get().outbox[clientMsgId];
  if (!outgoing) return;
  const n = outgoing.attempt + 1;
  update(clientMsgId, (o) => ({ ...o, status: 'pending', error: undefined, attempt: n }));
  const fileIds = outgoing.uploadIds ? storedFileIds(outgoing.uploadIds) : null;
  const result = await emitSend({
    conversationId: outgoing.conversationId,
    clientMsgId,
    body: outgoing.body,
    ...(outgoing.mentions ? { mentions: outgoing.mentions } : {}),
    ...(outgoing.mentionsAll ? { mentionsAll: true } : {}),
    ...(outgoing.replyToId ? { replyToId: outgoing.replyToId } : {}),
    ...(outgoing.ackRequested ? { ackRequested: true } : {}),
    ...(fileIds?.length ? { fileIds } : {}),
  });
  const current = appStore.get().outbox[clientMsgId];
  if (!current || current.attempt !== n) return; // confirmed already, or a newer attempt owns it
  if (result.ok) {
    const gap = hasGapBefore(appStore.get(), result.message);
    appStore.set((s) => messageArrived(s, result.message));
    // Stored, whatever the state makes of it: it must never be sent again.
    update(clientMsgId, () => undefined);
    // The stored message carries its files now (`Message.files`).
    if (outgoing.uploadIds) forgetUploads(outgoing.uploadIds);
    // Messages stored before it (by others while we were away) are still being fetched.
    if (gap) void fetchNewer(result.message.conversationId).catch(() => {});
  } else if (result.error.code === 'timeout' && !isConnected()) {
    // The connection dropped before the answer: the reconnect sends it again.
    failIfStillOffline(clientMsgId, n);
  } else {
    update(clientMsgId, (o) => ({ ...o, status: 'failed', error: result.error }));
  }
}

function failIfStillOffline(clientMsgId: string, n: number): void {
  setTimeout(() => {
    const o = appStore.get().outbox[clientMsgId];
    if (o && o.attempt === n && o.status === 'pending' && !isConnected()) {
      update(clientMsgId, (x) => ({ ...x, status: 'failed', error: { code: 'unavailable', message: 'offline' } }));
    }
  }, OFFLINE_GRACE_MS);
}

/**
 * On (re)connect, at once (not after the catch-up): send every pending message, oldest first,
 * each with its own clientMsgId. A run left over from the previous connection stops; an answer
 * it still gets is ignored (the attempt counter).
 */
export function flushOutbox(): Promise<void> {
  connection++;
  return pump();
}

/** Nothing to do at once: pending sends stay pending until the reconnect or the grace period ends. */
export function outboxDisconnected(): void {
  for (const o of Object.values(appStore.get().outbox)) {
    if (o.status === 'pending') failIfStillOffline(o.clientMsgId, o.attempt);
  }
}
