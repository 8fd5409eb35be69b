import { presenceBatchSchema, type Presence, type PresenceEvent } from '../../shared/schemas/presence.js';
import { emitAck, EventLog, type ClientSocket } from './sockets.js';

/**
 * Records the `presence` frames a socket receives (each checked against the shared schema: an
 * array of `{userId, presence}`), and offers them both as frames and flattened.
 */
export class PresenceLog {
  private readonly log: EventLog<typeof presenceBatchSchema>;

  constructor(socket: ClientSocket) {
    this.log = new EventLog(socket, 'presence', presenceBatchSchema);
  }

  /** Every frame as received. */
  get frames(): PresenceEvent[][] {
    return this.log.events;
  }

  /** Every `{userId, presence}` received, in order. */
  get events(): PresenceEvent[] {
    return this.log.events.flat();
  }

  of(userId: string): Presence[] {
    return this.events.filter((e) => e.userId === userId).map((e) => e.presence);
  }

  last(userId: string): Presence | undefined {
    return this.of(userId).at(-1);
  }

  /** Waits until `predicate` holds over the (flattened) events received so far. */
  async until(predicate: (events: PresenceEvent[]) => boolean, timeoutMs?: number): Promise<PresenceEvent[]> {
    await this.log.until((frames) => predicate(frames.flat()), timeoutMs);
    return this.events;
  }
}

/** `presence:watch`, expecting success; resolves with the acknowledged presences by person. */
export async function watch(socket: ClientSocket, userIds: readonly string[]): Promise<Map<string, Presence>> {
  const ack = await emitAck(socket, 'presence:watch', { userIds });
  if (!ack.ok) throw new Error(`presence:watch refused: ${JSON.stringify(ack.error)}`);
  return new Map((ack.presences as PresenceEvent[]).map((p) => [p.userId, p.presence]));
}
