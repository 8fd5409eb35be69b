/**
 * Every process the suite starts is registered here and killed when the suite ends, fails or is
 * interrupted. Children also exit by themselves when their IPC channel to the suite closes.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleEntries } from '../../server/bundle.js';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const live = new Set<ChildProcess>();
let logDir = path.join(repoRoot, 'bench/results/logs');

export function setLogDir(dir: string): void {
  logDir = dir;
  mkdirSync(dir, { recursive: true });
}

export interface Spawned {
  child: ChildProcess;
  exited: Promise<number | null>;
}

const bundles = new Map<string, Promise<string>>();

/**
 * The script built the way production starts the server (server/bundle.ts: one ES module with
 * its packages, no TypeScript loader), once per run, into bench/.build. Every process the suite
 * starts runs this way, so A, B, N, the stand-in and the load generators start alike, and a
 * restart measures the server rather than tsx compiling it.
 */
function bundled(script: string): Promise<string> {
  let out = bundles.get(script);
  if (!out) {
    out = bundleEntries([script], `bench/.build/${path.dirname(script).replaceAll('/', '-')}`).then(([file]) => file!);
    bundles.set(script, out);
  }
  return out;
}

/** A TypeScript file (repo-relative), bundled, in its own Node process with an IPC channel; output to a log file. */
export async function spawnScript(script: string, opts: { name: string; env?: Record<string, string>; args?: string[]; nodeArgs?: string[] }): Promise<Spawned> {
  const file = await bundled(script);
  mkdirSync(logDir, { recursive: true });
  const child = spawn(process.execPath, [...(opts.nodeArgs ?? []), file, ...(opts.args ?? [])], {
    cwd: repoRoot,
    env: { ...process.env, ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  const log = createWriteStream(path.join(logDir, `${opts.name}.log`), { flags: 'a' });
  child.stdout!.pipe(log, { end: false });
  child.stderr!.pipe(log, { end: false });
  live.add(child);
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => {
      live.delete(child);
      resolve(code);
    }),
  );
  return { child, exited };
}

/** SIGTERM, then SIGKILL if it has not gone within graceMs. */
export async function stopChild(s: Spawned, graceMs = 5_000): Promise<void> {
  if (s.child.exitCode !== null || s.child.signalCode !== null) return;
  s.child.kill('SIGTERM');
  const timer = setTimeout(() => s.child.kill('SIGKILL'), graceMs);
  await s.exited;
  clearTimeout(timer);
}

export function killAll(): void {
  for (const child of live) child.kill('SIGKILL');
}

let installed = false;
export function installCleanup(): void {
  if (installed) return;
  installed = true;
  process.on('exit', killAll);
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(sig, () => {
      console.error(`\n[bench] ${sig}: stopping every child process`);
      killAll();
      process.exit(130);
    });
  }
  process.on('uncaughtException', (err) => {
    console.error('[bench] failed:', err);
    killAll();
    process.exit(1);
  });
  process.on('unhandledRejection', (err) => {
    console.error('[bench] failed:', err);
    killAll();
    process.exit(1);
  });
}

/** Request/reply over a child's IPC channel, with a timeout. */
export function makeRpc(child: ChildProcess) {
  let next = 1;
  const waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  child.on('message', (msg: { type: string; id?: number; error?: string }) => {
    if (msg.id === undefined) return;
    const w = waiting.get(msg.id);
    if (!w) return;
    waiting.delete(msg.id);
    if (msg.error) w.reject(new Error(msg.error));
    else w.resolve(msg);
  });
  child.once('exit', () => {
    for (const w of waiting.values()) w.reject(new Error('child exited'));
    waiting.clear();
  });
  return <T>(request: Record<string, unknown>, timeoutMs = 60_000): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const id = next++;
      const timer = setTimeout(() => {
        waiting.delete(id);
        reject(new Error(`${String(request.type)} timed out after ${timeoutMs} ms`));
      }, timeoutMs);
      waiting.set(id, {
        resolve: (v) => {
          clearTimeout(timer);
          resolve(v as T);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      });
      child.send({ ...request, id });
    });
}

/** Resolves with the first IPC message of the given type (or rejects if the child exits first). */
export function firstMessage<T>(s: Spawned, type: string, timeoutMs: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${type} within ${timeoutMs} ms`)), timeoutMs);
    const onMsg = (msg: { type: string }) => {
      if (msg.type !== type) return;
      clearTimeout(timer);
      s.child.off('message', onMsg);
      resolve(msg as T);
    };
    s.child.on('message', onMsg);
    void s.exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`process exited (${code}) before ${type}`));
    });
  });
}
