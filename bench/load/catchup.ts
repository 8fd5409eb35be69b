/**
 * How a returning client catches up, per server:
 * - A with `POST /api/sync` (one request for everything since a cursor): used when the server
 *   answers it. The response shape is read loosely: the cursor is the top-level field whose name
 *   contains "cursor", messages are any objects carrying conversationId + seq + clientMsgId found
 *   anywhere in it, and a top-level boolean whose name contains "more" asks for another page.
 * - A without it: `GET /api/conversations/:id/messages?after=<last seq>` per conversation.
 * - B and N: their bench route `GET /messages?conversationId=&after=` per conversation.
 * If A's sync contract differs from this reading, this is the one file to adapt.
 */
import http from 'node:http';
import { requestJson } from './http-json.js';

export interface SeenMessage {
  id: string;
  conversationId: string;
  seq: number;
  clientMsgId: string;
}

export type CatchUpMode = 'sync' | 'per-conversation' | 'bench-route';

export interface CatchUpResult {
  requests: number;
  failed: number;
  messages: SeenMessage[];
  cursor?: unknown;
}

const TIMEOUT_MS = 60_000;

/** Kept-alive connections, shared by the generator's clients as `fetch` shared its pool. */
const agent = new http.Agent({ keepAlive: true });

function request(url: string, token: string, init: { method?: string; body?: unknown } = {}): Promise<{ status: number; body: unknown }> {
  return requestJson(url, { agent, token, timeoutMs: TIMEOUT_MS, ...init });
}

/** Every message-like object anywhere in a response. */
export function messagesIn(value: unknown, out: SeenMessage[] = []): SeenMessage[] {
  if (Array.isArray(value)) {
    for (const v of value) messagesIn(v, out);
  } else if (value && typeof value === 'object') {
    const o = value as Record<string, unknown>;
    if (typeof o.conversationId === 'string' && typeof o.seq === 'number' && typeof o.clientMsgId === 'string' && typeof o.id === 'string') {
      out.push({ id: o.id, conversationId: o.conversationId, seq: o.seq, clientMsgId: o.clientMsgId });
    } else {
      for (const v of Object.values(o)) messagesIn(v, out);
    }
  }
  return out;
}

function field(body: unknown, pattern: RegExp): unknown {
  if (!body || typeof body !== 'object') return undefined;
  const key = Object.keys(body).find((k) => pattern.test(k));
  return key ? (body as Record<string, unknown>)[key] : undefined;
}

/** Asks A whether it offers one-request resync; returns the first cursor when it does. */
export async function probeSync(httpUrl: string, token: string): Promise<{ supported: boolean; cursor?: unknown; status: number }> {
  try {
    const res = await request(`${httpUrl}/api/sync`, token, { method: 'POST', body: {} });
    if (res.status >= 200 && res.status < 300) return { supported: true, cursor: field(res.body, /cursor/i), status: res.status };
    return { supported: false, status: res.status };
  } catch {
    return { supported: false, status: 0 };
  }
}

export async function syncCursor(httpUrl: string, token: string): Promise<unknown> {
  const res = await request(`${httpUrl}/api/sync`, token, { method: 'POST', body: {} });
  return field(res.body, /cursor/i);
}

export async function catchUp(
  mode: CatchUpMode,
  httpUrl: string,
  token: string,
  state: { cursor?: unknown; lastSeq: Map<string, number> },
): Promise<CatchUpResult> {
  const result: CatchUpResult = { requests: 0, failed: 0, messages: [] };
  if (mode === 'sync') {
    // One request (server/sync/README.md): the cursor of the previous sync and the last seq held of
    // each conversation; histories answered with `hasMore` are paged on with `after=`, as the web
    // client does.
    result.requests++;
    const res = await request(`${httpUrl}/api/sync`, token, {
      method: 'POST',
      body: { ...(state.cursor !== undefined ? { cursor: state.cursor } : {}), seqs: Object.fromEntries(state.lastSeq) },
    });
    if (res.status < 200 || res.status >= 300) {
      result.failed++;
      return result;
    }
    messagesIn(res.body, result.messages);
    result.cursor = field(res.body, /cursor/i) ?? state.cursor;
    const pages = ((res.body as { messages?: Record<string, { messages: SeenMessage[]; hasMore: boolean }> }).messages ?? {});
    const more = new Map<string, number>();
    for (const [conversationId, page] of Object.entries(pages)) {
      if (page.hasMore) more.set(conversationId, Math.max(state.lastSeq.get(conversationId) ?? 0, ...page.messages.map((m) => m.seq)));
    }
    await pageAfter('per-conversation', httpUrl, token, more, result);
    return result;
  }
  await pageAfter(mode, httpUrl, token, state.lastSeq, result);
  return result;
}

/** Pages each conversation's history after the given seq until nothing more is there. */
async function pageAfter(mode: CatchUpMode, httpUrl: string, token: string, after: Map<string, number>, result: CatchUpResult): Promise<void> {
  for (const [conversationId, seq] of after) {
    let from = seq;
    for (let page = 0; page < 1000; page++) {
      result.requests++;
      const url =
        mode === 'per-conversation'
          ? `${httpUrl}/api/conversations/${conversationId}/messages?after=${from}&limit=200`
          : `${httpUrl}/messages?conversationId=${conversationId}&after=${from}`;
      const res = await request(url, token);
      if (res.status !== 200) {
        result.failed++;
        break;
      }
      const got = messagesIn(res.body);
      result.messages.push(...got);
      if (got.length) from = Math.max(from, ...got.map((m) => m.seq));
      if (field(res.body, /^hasMore$/) !== true || got.length === 0) break;
    }
  }
}
