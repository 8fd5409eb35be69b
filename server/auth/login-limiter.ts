import type { RateLimiterAbstract } from 'rate-limiter-flexible';
import { AppError } from '../../shared/errors.js';
import type { Config } from '../config.js';
import type { Limiters } from '../lib/limiter.js';

/**
 * Sign-in attempts are counted per login id and per address *before* the password is checked
 * (so a burst of parallel guesses cannot slip past the limit); past either limit the answer is
 * 429. A success gives its points back: only failures add up.
 * Counts live in this process (rate-limiter-flexible's memory store): with several processes each
 * keeps its own, so the effective limit is at most N times higher.
 */
export class LoginLimiter {
  private readonly byId: RateLimiterAbstract;
  private readonly byIp: RateLimiterAbstract;

  constructor(config: Config, limiters: Limiters) {
    this.byId = limiters.create({ name: 'login:id', points: config.LOGIN_FAIL_LIMIT_PER_ID, durationS: config.LOGIN_FAIL_WINDOW_S });
    this.byIp = limiters.create({ name: 'login:ip', points: config.LOGIN_FAIL_LIMIT_PER_IP, durationS: config.LOGIN_FAIL_WINDOW_S });
  }

  /** Takes one attempt from both budgets, or refuses with `rate_limited` (taking nothing). */
  async attempt(loginId: string, ip: string): Promise<void> {
    const id = loginId.toLowerCase();
    const [byId, byIp] = await Promise.allSettled([this.byId.consume(id), this.byIp.consume(ip)]);
    if (byId.status === 'fulfilled' && byIp.status === 'fulfilled') return;
    // Give back what this refused attempt took from the other budget.
    if (byId.status === 'fulfilled') await this.byId.reward(id, 1);
    if (byIp.status === 'fulfilled') await this.byIp.reward(ip, 1);
    throw new AppError('rate_limited', 'too many failed sign-ins; try again later');
  }

  async succeeded(loginId: string, ip: string): Promise<void> {
    await Promise.all([this.byId.delete(loginId.toLowerCase()), this.byIp.reward(ip, 1)]);
  }
}
