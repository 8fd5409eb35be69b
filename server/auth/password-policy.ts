import { readFileSync } from 'node:fs';
import { AppError } from '../../shared/errors.js';

/**
 * What a new password must not be, checked wherever one is set (admin user creation, the first
 * admin at start; later password changes and resets): one of the most common passwords
 * (common-passwords.txt, shipped in the repo: the office network has no internet), or the login id
 * itself, or a password that contains the login id. Compared case-insensitively. Length and
 * character rules stay in the request schemas.
 */
const COMMON = new Set(
  readFileSync(new URL('./common-passwords.txt', import.meta.url), 'utf8')
    .split('\n')
    .map((line) => line.trim().toLowerCase())
    .filter((line) => line && !line.startsWith('#')),
);

/** Login ids shorter than this are only refused when equal: "contains" would refuse too much. */
const MIN_ID_LENGTH_FOR_CONTAINS = 3;

/** Throws `bad_request` with a message saying what is wrong (never echoing the password). */
export function checkNewPassword(password: string, loginId: string): void {
  const pw = password.toLowerCase();
  const id = loginId.toLowerCase();
  if (pw === id || (id.length >= MIN_ID_LENGTH_FOR_CONTAINS && pw.includes(id))) {
    throw new AppError('bad_request', 'the password must not contain the login id');
  }
  if (COMMON.has(pw)) {
    throw new AppError('bad_request', 'this password is among the most common ones; choose another');
  }
}

export const commonPasswordCount = COMMON.size;
