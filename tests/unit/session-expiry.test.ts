// A socket ends with its session: at the first sweep after the session's end, never before, and a
// socket that went away by itself is forgotten (nothing kept, no timer left running).
import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { SessionExpiry } from '../../server/transport/session-expiry';

class FakeSocket extends EventEmitter {
  ended = false;
  disconnect(): void {
    if (this.ended) return;
    this.ended = true;
    this.emit('disconnect');
  }
}

describe('sockets end with their sessions', () => {
  it('ends each socket at the first sweep after its session ends, and not one before', () => {
    let now = Date.UTC(2026, 10, 25, 9, 0, 0);
    const expiry = new SessionExpiry(() => new Date(now), 10_000);
    const early = new FakeSocket();
    const late = new FakeSocket();
    expiry.add(early, new Date(now + 60_000));
    expiry.add(late, new Date(now + 3_600_000));
    now += 59_999;
    expiry.sweep();
    expect([early.ended, late.ended]).toEqual([false, false]);
    now += 1;
    expiry.sweep();
    expect([early.ended, late.ended]).toEqual([true, false]);
    now += 3_600_000;
    expiry.sweep();
    expect(late.ended).toBe(true);
    expect(expiry.size).toBe(0);
    expiry.stop();
  });

  it('ends at once a socket whose session has already ended', () => {
    const now = Date.UTC(2026, 10, 25, 9, 0, 0);
    const expiry = new SessionExpiry(() => new Date(now));
    const socket = new FakeSocket();
    expiry.add(socket, new Date(now - 1));
    expect(socket.ended).toBe(true);
    expect(expiry.size).toBe(0);
  });

  it('forgets sockets that disconnect by themselves, however many come and go', () => {
    let now = Date.UTC(2026, 10, 25, 9, 0, 0);
    const expiry = new SessionExpiry(() => new Date(now));
    for (let i = 0; i < 1_000; i++) {
      const socket = new FakeSocket();
      expiry.add(socket, new Date(now + 43_200_000 + i));
      now += 7;
      // As the socket's one disconnect listener does (server/sockets.ts).
      socket.disconnect();
      expiry.remove(socket);
    }
    expect(expiry.size).toBe(0);
    expiry.stop();
  });
});
