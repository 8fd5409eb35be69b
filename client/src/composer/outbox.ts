import { appStore, type Outgoing } from '../app/state';
import { messageArrived } from '../conversations/apply';
import { newClientMsgId } from '../net/ids';
import { emitSend, isConnected } from '../net/socket';

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
 */

const OFFLINE_GRACE_MS = 60_000;

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

/** Show the message at once as pending, then send it. Returns its clientMsgId. */
export function sendMessage(conversationId: string, body: string): string {
  const clientMsgId = newClientMsgId();
  const outgoing: Outgoing = { clientMsgId, conversationId, body, status: 'pending', createdAt: new Date().toISOString(), attempt: 0 };
  appStore.set((s) => ({ ...s, outbox: { ...s.outbox, [clientMsgId]: outgoing } }));
  void attempt(clientMsgId);
  return clientMsgId;
}

export function retryMessage(clientMsgId: string): void {
  void attempt(clientMsgId);
}

export function discardMessage(clientMsgId: string): void {
  update(clientMsgId, () => undefined);
}

async function attempt(clientMsgId: string): Promise<void> {
  const outgoing = appStore.get().outbox[clientMsgId];
  if (!outgoing) return;
  const n = outgoing.attempt + 1;
  update(clientMsgId, (o) => ({ ...o, status: 'pending', error: undefined, attempt: n }));
  if (!isConnected()) {
    failIfStillOffline(clientMsgId, n);
    return;
  }
  const result = await emitSend({ conversationId: outgoing.conversationId, clientMsgId, body: outgoing.body });
  const current = appStore.get().outbox[clientMsgId];
  if (!current || current.attempt !== n) return; // confirmed already, or a newer attempt owns it
  if (result.ok) {
    appStore.set((s) => messageArrived(s, result.message));
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

/** On (re)connect: send every pending message again, oldest first, with its own clientMsgId. */
export async function flushOutbox(): Promise<void> {
  const pending = Object.values(appStore.get().outbox)
    .filter((o) => o.status === 'pending')
    .sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  for (const o of pending) {
    if (!isConnected()) return;
    await attempt(o.clientMsgId);
  }
}

/** Nothing to do at once: pending sends stay pending until the reconnect or the grace period ends. */
export function outboxDisconnected(): void {
  for (const o of Object.values(appStore.get().outbox)) {
    if (o.status === 'pending') failIfStillOffline(o.clientMsgId, o.attempt);
  }
}
