import type { SessionInfo } from '../../../shared/schemas/accounts.js';
import { api } from '../net/api';

/** The person's own account on the server: password and sign-ins. */

export function changePassword(currentPassword: string, newPassword: string): Promise<void> {
  return api.post<void>('/api/auth/password', { currentPassword, newPassword });
}

export function listSessions(): Promise<SessionInfo[]> {
  return api.get<SessionInfo[]>('/api/auth/sessions');
}

export function endSession(id: string): Promise<void> {
  return api.delete<void>(`/api/auth/sessions/${id}`);
}
