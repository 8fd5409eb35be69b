/**
 * Time per password hash at each scrypt cost (r=8, p=1), through server/auth/password.ts.
 *   npx tsx bench/password-hash.ts [runs=5]
 * Prints the median and range per cost; the server uses 2^17 (PASSWORD_HASH_LOG_N), tests 2^12.
 */
import { hashPassword } from '../server/auth/password.js';

const runs = Number(process.argv[2] ?? 5);
for (const logN of [12, 14, 17]) {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    await hashPassword('a-long-enough-passphrase', { logN });
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  times.sort((a, b) => a - b);
  const median = times[Math.floor(times.length / 2)]!;
  console.log(`N=2^${logN}: median ${median.toFixed(0)} ms (min ${times[0]!.toFixed(0)}, max ${times.at(-1)!.toFixed(0)}) over ${runs}`);
}
