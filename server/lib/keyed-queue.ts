/**
 * Runs tasks one after another per key (a conversation, the licence pool) and in parallel across keys.
 * Within one process this keeps writers from racing for the same number (seq, licence slot), so the
 * unique index rarely has to refuse one; across processes the index still decides.
 */
export class KeyedQueue {
  private readonly tails = new Map<string, Promise<unknown>>();

  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const prev = this.tails.get(key) ?? Promise.resolve();
    const next = prev.then(task, task);
    const tail = next.catch(() => undefined);
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return next;
  }
}
