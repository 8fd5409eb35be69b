import type { User, LoginResponse } from '../../../shared/schemas/auth.js';
import type { SetupBody } from '../../../shared/schemas/setup.js';
import { appStore, resetState } from '../app/state';
import { navigate } from '../app/router';
import { createStore, useStore } from '../app/store';
import { api, ApiError, setUnauthenticatedHandler } from '../net/api';
import { connectSocket, disconnectSocket, setSessionEndedHandler } from '../net/socket';
import { backoffMs } from '../net/server-trouble';
import { loadAfterSignIn } from '../net/sync';
import { clearDrafts } from '../composer/Composer';
import { stopHeartbeat } from '../presence/telework';

/**
 * Who is signed in. The session itself is an HttpOnly cookie set by the server: the page never
 * sees or stores a token, and a reload asks `GET /api/me` whether the cookie is still good.
 */
export type SessionStatus = 'checking' | 'signedOut' | 'signedIn' | 'mustChangePassword';

interface SessionState {
  status: SessionStatus;
  /** Why the user is looking at the sign-in screen again. */
  notice?: 'expired';
}

const sessionStore = createStore<SessionState>({ status: 'checking' });

export function useSession(): SessionState {
  return useStore(sessionStore, (s) => s);
}

/**
 * A reload asks whether the cookie is still good. Only a 401 means no: when the server cannot
 * answer now (503, or unreachable) the page keeps asking, with backoff, instead of showing the
 * sign-in screen to someone who is signed in.
 */
export async function restoreSession(attempt = 0): Promise<void> {
  try {
    const { user } = await api.get<{ user: User }>('/api/me');
    start(user);
  } catch (error) {
    if (error instanceof ApiError && error.status !== 401 && (error.code === 'unavailable' || error.code === 'internal')) {
      setTimeout(() => void restoreSession(attempt + 1), backoffMs(attempt));
      return;
    }
    sessionStore.set(() => ({ status: 'signedOut' }));
  }
}

export async function signIn(loginId: string, password: string): Promise<void> {
  const { user } = await api.post<LoginResponse>('/api/auth/login', { loginId, password });
  // The response also carries a bearer token for other clients; the page relies on the cookie only.
  start(user);
}

/** First start (server/setup): the printed code creates the first admin, who is then signed in. */
export async function completeFirstSetup(body: SetupBody): Promise<void> {
  const { user } = await api.post<LoginResponse>('/api/setup', body);
  start(user);
}

export async function signOut(): Promise<void> {
  // Close the socket first: the server drops it on logout, and that must not read as an expiry.
  disconnectSocket();
  try {
    await api.post<void>('/api/auth/logout');
  } catch {
    // Signed out already, or offline: the local session ends either way.
  }
  end();
}

/** After the temporary password was replaced: the server now answers everything else. */
export async function passwordChanged(): Promise<void> {
  const { user } = await api.get<{ user: User }>('/api/me');
  start(user);
}

function start(user: User): void {
  appStore.set((s) => ({ ...s, me: user }));
  if (user.mustChangePassword) {
    // Nothing else answers until a new password is set: no socket, no data yet.
    setUnauthenticatedHandler(expired);
    sessionStore.set(() => ({ status: 'mustChangePassword' }));
    return;
  }
  sessionStore.set(() => ({ status: 'signedIn' }));
  setUnauthenticatedHandler(expired);
  setSessionEndedHandler(expired);
  connectSocket();
  // The directory comes without presence: presence arrives for the people on screen (presence:watch).
  loadAfterSignIn();
}

function end(notice?: 'expired'): void {
  setUnauthenticatedHandler(() => {});
  disconnectSocket();
  stopHeartbeat();
  clearDrafts();
  // Loaded lazily after sign-in (first-load budget); the import resolves before a later sign-in's start.
  void import('../notifications/notify').then(({ closeNotifications }) => closeNotifications());
  resetState();
  sessionStore.set(() => ({ status: 'signedOut', notice }));
  if (!notice) navigate('/', { replace: true });
}

function expired(): void {
  const { status } = sessionStore.get();
  if (status === 'signedIn' || status === 'mustChangePassword') end('expired');
}
