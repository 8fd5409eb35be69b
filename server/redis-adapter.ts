import type { RedisClient } from './lib/limiter.js';
import type { IoServer } from './realtime.js';
import { log } from './log.js';

/**
 * With REDIS_URL set, Socket.IO events (room broadcasts, disconnectSockets on logout) cross
 * server processes through Redis pub/sub. MongoDB stays the single source of truth; Redis only
 * carries events. Returns a function that closes the Redis connections.
 *
 * The Redis packages load here, only when REDIS_URL is set: a single-process server does not
 * pay their start-up time (about 0.15 s), which a restart after a crash waits out.
 */
export async function useRedisAdapter(io: IoServer, url: string): Promise<{ client: RedisClient; close: () => Promise<void> }> {
  const [{ createAdapter }, { createClient }] = await Promise.all([import('@socket.io/redis-adapter'), import('redis')]);
  const pub = createClient({ url });
  const sub = pub.duplicate();
  pub.on('error', (err) => log.error({ err }, 'redis publisher error'));
  sub.on('error', (err) => log.error({ err }, 'redis subscriber error'));
  await Promise.all([pub.connect(), sub.connect()]);
  io.adapter(createAdapter(pub, sub));
  // The publisher doubles as the client for shared counters (rate limits): it only sends commands.
  return {
    client: pub,
    close: async () => {
      await Promise.allSettled([pub.quit(), sub.quit()]);
    },
  };
}
