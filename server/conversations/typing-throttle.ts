import type { RateLimiterAbstract } from 'rate-limiter-flexible';
import type { Limiters } from '../lib/limiter.js';

/**
 * Which typing signals are worth relaying: per person and conversation, the first "started typing"
 * in each window of TYPING_THROTTLE_S seconds and the first "stopped typing" in each (leading edge;
 * the rest are dropped silently). Starts and stops count separately so that a stop after a start
 * always gets through and the indicator clears, while a flood — of either, or alternating — relays
 * at most two events per window. Counted by the shared limiter factory: across every server
 * process when REDIS_URL is set.
 */
export class TypingThrottle {
  private readonly starts: RateLimiterAbstract;
  private readonly stops: RateLimiterAbstract;

  constructor(limiters: Limiters, windowS: number) {
    this.starts = limiters.create({ name: 'typing:on', points: 1, durationS: windowS });
    this.stops = limiters.create({ name: 'typing:off', points: 1, durationS: windowS });
  }

  /** Whether this signal should be relayed; spends the person's allowance if so. */
  async allow(userId: string, conversationId: string, typing: boolean): Promise<boolean> {
    return (typing ? this.starts : this.stops).consume(`${userId}:${conversationId}`).then(
      () => true,
      () => false,
    );
  }
}
