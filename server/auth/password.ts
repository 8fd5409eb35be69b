import { randomBytes, scrypt, timingSafeEqual, type BinaryLike, type ScryptOptions } from 'node:crypto';

/**
 * Passwords are hashed with scrypt (memory-hard, in Node's standard library).
 * Stored as `scrypt$N$r$p$salt$hash`, so parameters can be raised later without breaking old hashes:
 * a hash made with weaker parameters still verifies, and the sign-in that proves the password
 * replaces it (`needsRehash`).
 *
 * The cost is OWASP's recommendation, N=2^17, r=8, p=1: each derivation takes 128 MiB and, on the
 * project's 2-core machine, about 0.7 s. `PASSWORD_HASH_LOG_N` may lower it to at least 2^12 for test
 * runs only. At most HASH_CONCURRENCY derivations run at once, so a sign-in rush costs at most that
 * many × 128 MiB and leaves libuv's other threads (files, DNS) free.
 */
const R = 8;
const P = 1;
const KEYLEN = 32;
const HASH_CONCURRENCY = 2;
/** The largest N a stored hash may ask for (2^20 = 1 GiB): a damaged record must not exhaust memory. */
const MAX_LOG_N = 20;

export const DEFAULT_LOG_N = 17;
let logN = DEFAULT_LOG_N;

/** Sets the cost for new hashes in this process (from `PASSWORD_HASH_LOG_N`, at server start). */
export function configurePasswordHashing(options: { logN: number }): void {
  logN = options.logN;
}

// ── a small semaphore: derivations wait for a free slot ───────────────────────
let running = 0;
const waiting: (() => void)[] = [];

async function withSlot<T>(task: () => Promise<T>): Promise<T> {
  if (running >= HASH_CONCURRENCY) await new Promise<void>((resolve) => waiting.push(resolve));
  else running += 1;
  try {
    return await task();
  } finally {
    const next = waiting.shift();
    // Hand the slot straight to the next waiter (the count stays), or free it.
    if (next) next();
    else running -= 1;
  }
}

function derive(password: BinaryLike, salt: Buffer, n: number, r: number, p: number): Promise<Buffer> {
  // scrypt needs 128·N·r bytes; give it twice that so Node's own overhead never trips the limit.
  const options: ScryptOptions = { N: n, r, p, maxmem: 256 * n * r };
  return withSlot(
    () =>
      new Promise((resolve, reject) =>
        scrypt(password, salt, KEYLEN, options, (err, key) => (err ? reject(err) : resolve(key))),
      ),
  );
}

/** A new hash at the configured cost (or `cost.logN`, which tests use to make an old-style hash). */
export async function hashPassword(password: string, cost: { logN?: number } = {}): Promise<string> {
  const n = 2 ** (cost.logN ?? logN);
  const salt = randomBytes(16);
  const key = await derive(password, salt, n, R, P);
  return ['scrypt', n, R, P, salt.toString('base64'), key.toString('base64')].join('$');
}

interface Parsed {
  n: number;
  r: number;
  p: number;
  salt: Buffer;
  hash: Buffer;
}

function parse(stored: string): Parsed | null {
  const [scheme, n, r, p, salt, hash] = stored.split('$');
  const params = [Number(n), Number(r), Number(p)];
  if (scheme !== 'scrypt' || !salt || !hash || !params.every((x) => Number.isSafeInteger(x) && x > 0)) return null;
  const [nn, rr, pp] = params as [number, number, number];
  if (nn > 2 ** MAX_LOG_N || (nn & (nn - 1)) !== 0 || rr > 32 || pp > 16) return null;
  return { n: nn, r: rr, p: pp, salt: Buffer.from(salt, 'base64'), hash: Buffer.from(hash, 'base64') };
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parsed = parse(stored);
  if (!parsed) return false;
  const key = await derive(password, parsed.salt, parsed.n, parsed.r, parsed.p);
  return key.length === parsed.hash.length && timingSafeEqual(key, parsed.hash);
}

/** Whether a stored hash is weaker than what is configured now (never true for a stronger one). */
export function needsRehash(stored: string): boolean {
  const parsed = parse(stored);
  if (!parsed) return false;
  return parsed.n < 2 ** logN || parsed.r < R || parsed.p < P;
}

/** A hash to compare against when the login id is unknown, so both answers take the same time. */
const dummies = new Map<number, Promise<string>>();
export function dummyHash(): Promise<string> {
  let dummy = dummies.get(logN);
  if (!dummy) {
    dummy = hashPassword(randomBytes(16).toString('hex'));
    dummies.set(logN, dummy);
  }
  return dummy;
}
