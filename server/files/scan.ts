import { spawn } from 'node:child_process';

/**
 * The optional attachment scan (ATTACHMENT_SCAN_COMMAND): a program run on every upload before it
 * is stored, with the temporary file's path as its last argument. No shell: the command is split
 * on whitespace into the program and its arguments (no quoting), so nothing of the upload — its
 * path is ours, its name never appears — can become a command. Its output is not read or logged.
 */
export type ScanVerdict =
  /** Exit 0. */
  | { verdict: 'clean' }
  /** Any other exit code: the scanner refuses the file. */
  | { verdict: 'refused'; exitCode: number }
  /** Killed after the timeout, or it could not be run at all (not found, killed by a signal). */
  | { verdict: 'failed'; reason: string };

export function scanArgv(command: string): string[] {
  return command.trim().split(/\s+/).filter(Boolean);
}

export function scanFile(argv: readonly string[], path: string, timeoutMs: number): Promise<ScanVerdict> {
  const [program, ...args] = argv;
  if (!program) return Promise.resolve({ verdict: 'failed', reason: 'no scan command' });
  return new Promise((resolve) => {
    let timedOut = false;
    const child = spawn(program, [...args, path], { stdio: 'ignore', shell: false, windowsHide: true });
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.once('error', (err) => {
      clearTimeout(timer);
      resolve({ verdict: 'failed', reason: (err as NodeJS.ErrnoException).code ?? err.message });
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      if (timedOut) resolve({ verdict: 'failed', reason: `no answer within ${Math.round(timeoutMs / 1000)} s` });
      else if (code === 0) resolve({ verdict: 'clean' });
      else if (code !== null) resolve({ verdict: 'refused', exitCode: code });
      else resolve({ verdict: 'failed', reason: `killed by ${signal ?? 'a signal'}` });
    });
  });
}
