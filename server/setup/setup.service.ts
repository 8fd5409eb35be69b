import { randomInt, timingSafeEqual } from 'node:crypto';
import type { Connection, Model } from 'mongoose';
import type { RateLimiterAbstract, RateLimiterRes } from 'rate-limiter-flexible';
import { AppError } from '../../shared/errors.js';
import type { User } from '../../shared/schemas/auth.js';
import type { SetupBody, SetupStatus } from '../../shared/schemas/setup.js';
import type { AuthService } from '../auth/auth.service.js';
import type { DirectoryService } from '../directory/directory.service.js';
import type { Limiters } from '../lib/limiter.js';
import { log } from '../log.js';
import { FIRST_ADMIN, setupCodeModel, type SetupCodeDoc } from './setup-code.model.js';

/** Letters and digits nobody confuses when reading them off a terminal (no 0/O, 1/I/L). */
const ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
const CODE_LENGTH = 12;
/** Wrong codes per address before it must wait (the code has ~59 bits; this stops a script, not chance). */
export const SETUP_FAIL_LIMIT = 10;
const SETUP_FAIL_WINDOW_S = 900;

/** `ABCD-EFGH-JKLM` as printed; what a person types is compared after `normalizeCode`. */
export function formatCode(code: string): string {
  return code.match(/.{1,4}/g)!.join('-');
}

/** Full-width letters (typed with the IME on), lower case, spaces and hyphens are all forgiven. */
export function normalizeCode(typed: string): string {
  return typed.normalize('NFKC').toUpperCase().replace(/[\s\-ー－]/g, '');
}

/**
 * First start: the only writer of `setup_codes`. While the database has no admin, a one-time code
 * exists (every process prints and accepts the same one); the request that presents it creates the
 * first admin, signs them in, and deletes the code, so it works once.
 */
export class SetupService {
  private readonly codes: Model<SetupCodeDoc>;
  private readonly failures: RateLimiterAbstract;
  /** Once an admin exists there is never again a need for setup: no more reads. */
  private done = false;

  constructor(
    conn: Connection,
    private readonly directory: DirectoryService,
    private readonly auth: AuthService,
    limiters: Limiters,
  ) {
    this.codes = setupCodeModel(conn);
    this.failures = limiters.create({ name: 'setup', points: SETUP_FAIL_LIMIT, durationS: SETUP_FAIL_WINDOW_S });
  }

  /**
   * At start, after ADMIN_LOGIN_ID/ADMIN_PASSWORD had their chance: the code to print, or
   * undefined when an admin exists (a leftover code is then deleted). One upsert: processes
   * starting together agree on the first code written.
   */
  async prepare(): Promise<string | undefined> {
    if (await this.directory.hasAdmin()) {
      this.done = true;
      await this.codes.deleteOne({ _id: FIRST_ADMIN });
      return undefined;
    }
    const fresh = Array.from({ length: CODE_LENGTH }, () => ALPHABET[randomInt(ALPHABET.length)]).join('');
    const stored = await this.codes
      .findOneAndUpdate(
        { _id: FIRST_ADMIN },
        { $setOnInsert: { code: fresh, createdAt: new Date() } },
        { upsert: true, returnDocument: 'after' },
      )
      .lean<SetupCodeDoc>();
    return formatCode(stored!.code);
  }

  async status(): Promise<SetupStatus> {
    if (this.done) return { needed: false };
    if (await this.directory.hasAdmin()) {
      this.done = true;
      return { needed: false };
    }
    return { needed: true };
  }

  /**
   * Creates the first admin with the printed code and signs them in. Check first (rate limit, no
   * admin yet, the code, the password rules), then take the code with one conditional delete — two
   * visitors at once: one wins, the other gets `conflict` — then create; if creating fails the code
   * is put back, so a refused request changes nothing.
   */
  async complete(input: SetupBody, ip: string, userAgent?: string): Promise<{ token: string; user: User }> {
    const spent = await this.failures.get(ip);
    if (spent && spent.consumedPoints >= SETUP_FAIL_LIMIT) throw limited(spent);
    if ((await this.status()).needed === false) throw new AppError('conflict', 'setup is already done: sign in as an admin');
    const stored = await this.codes.findById(FIRST_ADMIN).lean<SetupCodeDoc>();
    // No code stored: another visitor has just taken it (their admin is being created) — the same
    // answer as coming a moment later, not a wrong code held against this address.
    if (!stored) throw new AppError('conflict', 'setup is already done: sign in as an admin');
    if (!sameCode(normalizeCode(input.code), stored.code)) {
      await this.failures.penalty(ip, 1);
      log.warn({ ip }, 'first-start setup: wrong code');
      throw new AppError('forbidden', 'the setup code is wrong: use the one the server printed at start');
    }
    const taken = await this.codes.findOneAndDelete({ _id: FIRST_ADMIN, code: stored.code }).lean<SetupCodeDoc>();
    if (!taken) throw new AppError('conflict', 'setup is already done: sign in as an admin');
    try {
      const root = await this.directory.rootDepartment();
      await this.directory.createUser({
        loginId: input.loginId,
        password: input.password,
        staffNo: input.staffNo ?? `ADMIN-${Date.now().toString(36).toUpperCase()}`,
        name: input.name,
        nameKana: input.nameKana,
        departmentId: root.id,
        role: 'admin',
      });
    } catch (err) {
      // A weak password (or a clash): the code stays valid for the next try.
      await this.codes.updateOne({ _id: FIRST_ADMIN }, { $setOnInsert: { code: taken.code, createdAt: taken.createdAt } }, { upsert: true });
      throw err;
    }
    this.done = true;
    log.info({ loginId: input.loginId }, 'first-start setup: the first admin was created');
    const { token, user } = await this.auth.login({ loginId: input.loginId, password: input.password }, ip, userAgent);
    return { token, user };
  }
}

function sameCode(typed: string, stored: string): boolean {
  const a = Buffer.from(typed);
  const b = Buffer.from(stored);
  return a.length === b.length && timingSafeEqual(a, b);
}

function limited(res: RateLimiterRes): AppError {
  const retryAfterS = Math.max(1, Math.ceil(res.msBeforeNext / 1000));
  return new AppError('rate_limited', 'too many wrong setup codes; try again later', { retryAfterS });
}
