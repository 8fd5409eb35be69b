import type { RateLimiterAbstract } from 'rate-limiter-flexible';
import { AppError } from '../../shared/errors.js';
import type { Config } from '../config.js';
import { KeyedQueue } from '../lib/keyed-queue.js';
import type { Limiters } from '../lib/limiter.js';

/** What a verification found: the account, or `undefined` for a wrong password or unknown id. */
export type Verify<T> = () => Promise<T | undefined>;

/**
 * Sign-in limits. Only a wrong password (or unknown login id) counts; an attempt in flight, a
 * success, or an attempt that failed because the database or the limit store could not answer
 * counts for nothing. All counts are made with the shared factory (server/lib/limiter.ts), so with
 * REDIS_URL they hold across every server process.
 *
 * 1. **Pair** (login id, address): LOGIN_FAIL_LIMIT_PER_ID wrong passwords (5) in
 *    LOGIN_FAIL_WINDOW_S (15 min) lock that pair until the window ends, the right password
 *    included. Someone guessing from address X cannot lock the owner out at address Y.
 * 2. **Login id, from addresses new to it**: the first LOGIN_ID_FAIL_FREE (10) wrong passwords in
 *    LOGIN_ID_FAIL_WINDOW_S (24 h) are free; the k-th beyond blocks the id for min(30 s × 2^(k−1),
 *    30 min) — 30 s, 1, 2, 4, 8, 16, 30, 30 … min — at every address where the person has not
 *    signed in successfully within LOGIN_KNOWN_ADDRESS_DAYS (14). Guessing from many addresses is
 *    slowed to a few dozen tries a day; the owner at their usual terminal is not affected.
 * 3. **Address, for sign-ins new to it**: LOGIN_FAIL_LIMIT_PER_IP (300) wrong passwords in the
 *    window (password spraying across many ids); people who have signed in there before pass.
 *
 * Parallel wrong guesses cannot slip past the pair limit: attempts for one login id run one after
 * another in this process (KeyedQueue), each checking the counts before verifying; and each takes a
 * pending point from the pair's shared count before it verifies (given back unless the password
 * was wrong), so attempts running at once in several processes are counted too. A correct
 * password therefore waits for the attempts ahead of it, but is refused only for real failures
 * (in several processes: failures plus at most one pending attempt per other process).
 */
export class LoginLimiter {
  private readonly pair: RateLimiterAbstract;
  private readonly byIp: RateLimiterAbstract;
  private readonly idFailures: RateLimiterAbstract;
  private readonly idBlock: RateLimiterAbstract;
  private readonly known: RateLimiterAbstract;
  private readonly queue = new KeyedQueue();

  constructor(
    private readonly config: Config,
    limiters: Limiters,
  ) {
    const windowS = config.LOGIN_FAIL_WINDOW_S;
    this.pair = limiters.create({ name: 'login:pair', points: config.LOGIN_FAIL_LIMIT_PER_ID, durationS: windowS });
    this.byIp = limiters.create({ name: 'login:ip', points: config.LOGIN_FAIL_LIMIT_PER_IP, durationS: windowS });
    this.idFailures = limiters.create({ name: 'login:id', points: config.LOGIN_ID_FAIL_FREE, durationS: config.LOGIN_ID_FAIL_WINDOW_S });
    this.idBlock = limiters.create({ name: 'login:id-block', points: 1, durationS: config.LOGIN_ID_BACKOFF_MAX_S });
    this.known = limiters.create({ name: 'login:known', points: 1, durationS: config.LOGIN_KNOWN_ADDRESS_DAYS * 86_400 });
  }

  /**
   * Runs `verify` if the limits allow it, and counts its outcome. Resolves with what `verify`
   * found; rejects with `rate_limited` (with `retryAfterS`), `unauthenticated` (wrong password),
   * or whatever `verify` threw (which counts for nothing).
   */
  attempt<T>(loginId: string, ip: string, verify: Verify<T>): Promise<T> {
    const id = loginId.toLowerCase();
    return this.queue.run(id, () => this.attemptNow(id, ip, verify));
  }

  private async attemptNow<T>(id: string, ip: string, verify: Verify<T>): Promise<T> {
    const pairKey = `${id}|${ip}`;
    // The pending point: taken before verifying so that attempts in other processes see it.
    const pending = await store(this.pair.penalty(pairKey, 1));
    const giveBack = () => store(this.pair.reward(pairKey, 1));
    if (pending.consumedPoints > this.config.LOGIN_FAIL_LIMIT_PER_ID) {
      await giveBack();
      throw limited(pending.msBeforeNext);
    }
    let found: T | undefined;
    try {
      await this.checkNewAddress(id, ip, pairKey);
      found = await verify();
    } catch (err) {
      await giveBack().catch(() => undefined);
      throw err;
    }
    if (found === undefined) {
      await this.failed(id, ip);
      throw new AppError('unauthenticated', 'wrong login id or password');
    }
    await store(
      Promise.all([
        this.pair.delete(pairKey),
        this.known.set(pairKey, 1, this.config.LOGIN_KNOWN_ADDRESS_DAYS * 86_400),
      ]),
    );
    return found;
  }

  /** Limits 2 and 3 apply only where this person has not signed in before. */
  private async checkNewAddress(id: string, ip: string, pairKey: string): Promise<void> {
    const [known, ipCount, block] = await store(Promise.all([this.known.get(pairKey), this.byIp.get(ip), this.idBlock.get(id)]));
    if (known) return;
    if (ipCount && ipCount.consumedPoints >= this.config.LOGIN_FAIL_LIMIT_PER_IP) throw limited(ipCount.msBeforeNext);
    if (block && block.consumedPoints > 1 && block.msBeforeNext > 0) throw limited(block.msBeforeNext);
  }

  /** A wrong password: the pair keeps its pending point; the address and the id count one more. */
  private async failed(id: string, ip: string): Promise<void> {
    const [, failures] = await store(Promise.all([this.byIp.penalty(ip, 1), this.idFailures.penalty(id, 1)]));
    const beyond = failures.consumedPoints - this.config.LOGIN_ID_FAIL_FREE;
    if (beyond > 0) {
      const seconds = Math.min(this.config.LOGIN_ID_BACKOFF_BASE_S * 2 ** Math.min(beyond - 1, 30), this.config.LOGIN_ID_BACKOFF_MAX_S);
      await store(this.idBlock.block(id, seconds));
    }
  }
}

function limited(msBeforeNext: number): AppError {
  const retryAfterS = Math.max(1, Math.ceil(msBeforeNext / 1000));
  return new AppError('rate_limited', 'too many failed sign-ins; try again later', { retryAfterS });
}

/**
 * The limit store (memory, or Redis) failing is no proof of anything: answer `unavailable` rather
 * than let guesses through unchecked or count a failure that did not happen.
 */
async function store<T>(operation: Promise<T>): Promise<T> {
  try {
    return await operation;
  } catch (err) {
    if (err instanceof AppError) throw err;
    // rate-limiter-flexible rejects with a RateLimiterRes only from consume(), which is not used here.
    throw new AppError('unavailable', 'sign-in limits cannot be checked now; try again shortly');
  }
}
