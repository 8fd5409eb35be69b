import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import { AppError } from '../../shared/errors.js';
import type { Config } from '../config.js';

/**
 * Failed sign-ins are counted per login id and per address; past either limit, sign-in answers
 * 429 before the password is even checked. A success clears the login id's count.
 * Counts live in this process (rate-limiter-flexible's memory store): with several processes each
 * keeps its own, so the effective limit is at most N times higher.
 */
export class LoginLimiter {
  private readonly byId: RateLimiterMemory;
  private readonly byIp: RateLimiterMemory;

  constructor(config: Config) {
    this.byId = new RateLimiterMemory({ points: config.LOGIN_FAIL_LIMIT_PER_ID, duration: config.LOGIN_FAIL_WINDOW_S });
    this.byIp = new RateLimiterMemory({ points: config.LOGIN_FAIL_LIMIT_PER_IP, duration: config.LOGIN_FAIL_WINDOW_S });
  }

  async check(loginId: string, ip: string): Promise<void> {
    const [id, addr] = await Promise.all([this.byId.get(loginId.toLowerCase()), this.byIp.get(ip)]);
    const blocked = (res: RateLimiterRes | null, limit: number) => res !== null && res.consumedPoints >= limit;
    if (blocked(id, this.byId.points) || blocked(addr, this.byIp.points)) {
      throw new AppError('rate_limited', 'too many failed sign-ins; try again later');
    }
  }

  async fail(loginId: string, ip: string): Promise<void> {
    // consume() rejects once the limit is passed; that is expected, the count is what matters.
    await Promise.allSettled([this.byId.consume(loginId.toLowerCase()), this.byIp.consume(ip)]);
  }

  async succeed(loginId: string): Promise<void> {
    await this.byId.delete(loginId.toLowerCase());
  }
}
