import type { TeleworkSession, TeleworkStatus } from '../../../shared/schemas/telework.js';
import type { Presence } from '../../../shared/schemas/presence.js';
import { appStore } from '../app/state';
import { api, ApiError } from '../net/api';

/**
 * Starting and ending one's own telework session from the browser. The remote-desktop gateway
 * usually does this; a session started here (`source: self`) is kept alive by this page's
 * heartbeats, which stop when the page closes, so the server ends it after its timeout.
 */
const HEARTBEAT_MS = 30_000;
let heartbeat: ReturnType<typeof setInterval> | undefined;

export async function refreshTeleworkStatus(): Promise<void> {
  const status = await api.get<TeleworkStatus>('/api/telework/status');
  appStore.set((s) => ({ ...s, telework: status }));
}

export async function startTelework(): Promise<void> {
  const session = await api.post<TeleworkSession>('/api/telework/sessions', {});
  adopt(session);
  void refreshTeleworkStatus().catch(() => {});
}

export async function endTelework(): Promise<void> {
  const me = appStore.get().me;
  const session = appStore.get().mySession ?? (await currentSession());
  if (session) await api.post<TeleworkSession>(`/api/telework/sessions/${session.id}/end`, {});
  stopHeartbeat();
  appStore.set((s) => ({
    ...s,
    mySession: null,
    presence: me ? { ...s.presence, [me.id]: withoutTelework(s.presence[me.id]) } : s.presence,
  }));
  void refreshTeleworkStatus().catch(() => {});
}

/** My active session, if any (`GET /api/telework/sessions/current`, an extension of PROTOCOL.md). */
async function currentSession(): Promise<TeleworkSession | null> {
  const { session } = await api.get<{ session: TeleworkSession | null }>('/api/telework/sessions/current');
  return session;
}

/** While I am teleworking with no session adopted here: find it and keep it alive if it is ours. */
export async function resumeTelework(): Promise<void> {
  if (!needsSession()) return;
  const session = await currentSession();
  if (session && needsSession()) adopt(session);
}

function needsSession(): boolean {
  const s = appStore.get();
  return Boolean(s.me && !s.mySession && s.presence[s.me.id]?.state === 'teleworking');
}

const RESUME_RETRY_MS = [2_000, 5_000, 10_000, 30_000];

/**
 * `resumeTelework`, tried again after a failure (offline, a server hiccup) until it succeeds,
 * with growing pauses. Returns the function that stops trying.
 */
export function keepResuming(): () => void {
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const run = (failures: number) => {
    resumeTelework().catch(() => {
      if (stopped) return;
      const delay = RESUME_RETRY_MS[Math.min(failures, RESUME_RETRY_MS.length - 1)]!;
      timer = setTimeout(() => run(failures + 1), delay);
    });
  };
  run(0);
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}

function adopt(session: TeleworkSession): void {
  const me = appStore.get().me;
  appStore.set((s) => ({
    ...s,
    mySession: session,
    presence: me
      ? {
          ...s.presence,
          [me.id]: { ...(s.presence[me.id] ?? { availability: 'available' }), state: 'teleworking', teleworkSince: session.startedAt },
        }
      : s.presence,
  }));
  stopHeartbeat();
  if (session.source === 'self') heartbeat = setInterval(() => void beat(session.id), HEARTBEAT_MS);
}

async function beat(sessionId: string): Promise<void> {
  try {
    await api.post<void>(`/api/telework/sessions/${sessionId}/heartbeat`, {});
  } catch (error) {
    if (error instanceof ApiError && (error.code === 'not_found' || error.code === 'conflict')) {
      stopHeartbeat();
      appStore.set((s) => ({ ...s, mySession: null }));
    }
  }
}

export function stopHeartbeat(): void {
  clearInterval(heartbeat);
  heartbeat = undefined;
}

function withoutTelework(p: Presence | undefined): Presence {
  const { teleworkSince: _since, ...rest } = p ?? { state: 'in_office', availability: 'available' };
  return { ...rest, state: rest.state === 'teleworking' ? 'in_office' : rest.state };
}
