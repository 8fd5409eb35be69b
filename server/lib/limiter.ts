import { RateLimiterMemory, RateLimiterRedis, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { createClient } from 'redis';

/** The client type `createClient({ url })` gives (node-redis's generic defaults differ from it). */
export type RedisClient = ReturnType<typeof createClient<{}, {}, {}, 3, {}>>;

export interface LimiterOptions {
  /** Distinguishes this limit's keys from every other limit's (`login:id`, `send`, `typing` …). */
  name: string;
  points: number;
  durationS: number;
  /** Once spent, refuse for this long (seconds) instead of until the window ends. */
  blockS?: number;
}

/**
 * Every per-person or per-address limit is made here, so that all of them count in one place:
 * in this process's memory with one server process, and in Redis (the one the Socket.IO adapter
 * already uses) when REDIS_URL is set, so that N processes never give one person N times a limit.
 */
export class Limiters {
  constructor(private readonly redis?: RedisClient) {}

  get shared(): boolean {
    return this.redis !== undefined;
  }

  create(options: LimiterOptions): RateLimiterAbstract {
    const common = {
      keyPrefix: `rl:${options.name}`,
      points: options.points,
      duration: options.durationS,
      ...(options.blockS ? { blockDuration: options.blockS } : {}),
    };
    if (!this.redis) return new RateLimiterMemory(common);
    // node-redis (v4+) client; `useRedisPackage` tells the library which client API to call.
    return new RateLimiterRedis({ ...common, storeClient: this.redis, useRedisPackage: true });
  }
}
