/**
 * Live connections per person in this process, with a grace period: when someone's last
 * connection drops they still count as connected for `graceMs`, so a reconnect within it
 * (a network blip, a reload) causes no offline flicker.
 */
export class Connections {
  private readonly sockets = new Map<string, Set<string>>();
  private readonly grace = new Map<string, NodeJS.Timeout>();

  constructor(
    private readonly graceMs: number,
    /** Called when a person's connected/not-connected state really changes. */
    private readonly onChange: (userId: string) => void,
  ) {}

  add(userId: string, socketId: string): void {
    const timer = this.grace.get(userId);
    if (timer) {
      clearTimeout(timer);
      this.grace.delete(userId);
    }
    const set = this.sockets.get(userId) ?? new Set<string>();
    const wasConnected = this.sockets.has(userId);
    set.add(socketId);
    this.sockets.set(userId, set);
    if (!wasConnected) this.onChange(userId);
  }

  remove(userId: string, socketId: string): void {
    const set = this.sockets.get(userId);
    if (!set) return;
    set.delete(socketId);
    if (set.size > 0 || this.grace.has(userId)) return;
    this.startGrace(userId);
  }

  /**
   * People who were connected when the previous process stopped (a restart drops every connection
   * at once): they count as connected for the grace period, as if each had just dropped, so those who
   * reconnect within it cause no change at all. Anyone with a connection here is left alone; for
   * anyone already in a grace period it starts again from now.
   */
  resume(userIds: Iterable<string>): void {
    for (const userId of userIds) {
      if ((this.sockets.get(userId)?.size ?? 0) > 0) continue;
      clearTimeout(this.grace.get(userId));
      this.grace.delete(userId);
      this.sockets.set(userId, new Set());
      this.startGrace(userId);
    }
  }

  private startGrace(userId: string): void {
    const drop = () => {
      this.grace.delete(userId);
      if (this.sockets.get(userId)?.size === 0) {
        this.sockets.delete(userId);
        this.onChange(userId);
      }
    };
    if (this.graceMs <= 0) return drop();
    const timer = setTimeout(drop, this.graceMs);
    timer.unref();
    this.grace.set(userId, timer);
  }

  isConnected(userId: string): boolean {
    return this.sockets.has(userId);
  }

  connectedUserIds(): string[] {
    return [...this.sockets.keys()];
  }

  stop(): void {
    for (const t of this.grace.values()) clearTimeout(t);
    this.grace.clear();
  }
}
