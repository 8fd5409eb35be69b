/** What a run collects: per scenario, per server, one row of numbers per trial (plus raw details). */
import type { ServerKind } from './servers.js';

export type Row = Record<string, number | string | null>;

export interface ScenarioData {
  trials: Partial<Record<ServerKind, Row[]>>;
  details: Partial<Record<ServerKind, unknown[]>>;
  errors: string[];
}

export class Results {
  readonly scenarios: Record<string, ScenarioData> = {};

  private get(id: string): ScenarioData {
    return (this.scenarios[id] ??= { trials: {}, details: {}, errors: [] });
  }

  add(id: string, kind: ServerKind, row: Row, detail?: unknown): void {
    const s = this.get(id);
    (s.trials[kind] ??= []).push(row);
    (s.details[kind] ??= []).push(detail ?? null);
  }

  error(id: string, message: string): void {
    this.get(id).errors.push(message);
  }
}

/** Cleanups of one session, run in reverse order whether it finished, failed or timed out. */
export class Scope {
  private readonly cleanups: (() => Promise<void> | void)[] = [];

  defer(fn: () => Promise<void> | void): void {
    this.cleanups.push(fn);
  }

  async close(): Promise<void> {
    while (this.cleanups.length) {
      const fn = this.cleanups.pop()!;
      await Promise.resolve()
        .then(fn)
        .catch((err: Error) => console.error(`[bench] cleanup failed: ${err.message}`));
    }
  }
}

/** Runs a session with its own scope and a time bound; the scope is closed in every case. */
export async function bounded<T>(label: string, timeoutS: number, run: (scope: Scope) => Promise<T>): Promise<T> {
  const scope = new Scope();
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      run(scope),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${label}: gave up after ${timeoutS} s`)), timeoutS * 1000);
      }),
    ]);
  } finally {
    clearTimeout(timer);
    await scope.close();
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
