import type { Presence } from '../../shared/schemas/presence.js';

/** Presence, derived from live connections (telework sessions and own settings come next). */
export class PresenceService {
  private readonly connections = new Map<string, number>();

  connected(userId: string): void {
    this.connections.set(userId, (this.connections.get(userId) ?? 0) + 1);
  }

  disconnected(userId: string): void {
    const n = (this.connections.get(userId) ?? 1) - 1;
    if (n <= 0) this.connections.delete(userId);
    else this.connections.set(userId, n);
  }

  async getMany(userIds: readonly string[]): Promise<Map<string, Presence>> {
    return new Map(
      userIds.map((id) => [id, { state: this.connections.has(id) ? 'in_office' : 'offline', availability: 'available' } as Presence]),
    );
  }
}
