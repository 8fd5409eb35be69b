// The batcher behind the connect storm (server/lib/batcher.ts): requests made together share one
// read, requests made while a read is out wait for it and share the next, and a failed read fails
// only the requests that were in it.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Batcher } from '../../server/lib/batcher';

/** A read whose answer the test releases by hand; records the keys of every batch. */
function controlledRead() {
  const batches: string[][] = [];
  const pending: { resolve: () => void; reject: (err: Error) => void }[] = [];
  const load = (keys: string[]) => {
    batches.push([...keys].sort());
    return new Promise<Map<string, string>>((resolve, reject) => {
      pending.push({ resolve: () => resolve(new Map(keys.map((k) => [k, k.toUpperCase()]))), reject });
    });
  };
  return { batches, pending, load };
}
const turn = () => new Promise((resolve) => setImmediate(resolve));

describe('gathering concurrent reads', () => {
  it('answers requests made together with one read over the union of their keys', async () => {
    const read = controlledRead();
    const batcher = new Batcher(read.load);
    const answers = Promise.all([batcher.get(['a', 'b']), batcher.get(['b', 'c']), batcher.get(['d'])]);
    await turn();
    read.pending[0]!.resolve();
    const [first, second, third] = await answers;
    expect(read.batches).toEqual([['a', 'b', 'c', 'd']]);
    expect([first.get('a'), second.get('c'), third.get('d')]).toEqual(['A', 'C', 'D']);
  });

  it('gathers what arrives while a read is out into the next one', async () => {
    const read = controlledRead();
    const batcher = new Batcher(read.load);
    const early = batcher.get(['a']);
    await turn();
    const late = [batcher.get(['b']), batcher.get(['c'])];
    await turn();
    expect(read.batches).toEqual([['a']]);
    read.pending[0]!.resolve();
    await early;
    await turn();
    expect(read.batches).toEqual([['a'], ['b', 'c']]);
    read.pending[1]!.resolve();
    expect((await Promise.all(late)).map((m) => m.get('b'))).toEqual(['B', 'B']);
  });

  it('fails only the requests of a failed read', async () => {
    const read = controlledRead();
    const batcher = new Batcher(read.load);
    const failed = batcher.get(['a']);
    await turn();
    const later = batcher.get(['b']);
    read.pending[0]!.reject(new Error('database down'));
    await expect(failed).rejects.toThrow('database down');
    await turn();
    read.pending[1]!.resolve();
    expect((await later).get('b')).toBe('B');
  });

  it('does not let a read that never answers hold the requests after it', async () => {
    const read = controlledRead();
    const batcher = new Batcher(read.load, { holdMs: 20 });
    void batcher.get(['hung']);
    await turn();
    const next = batcher.get(['b']);
    await new Promise((resolve) => setTimeout(resolve, 40));
    expect(read.batches).toEqual([['hung'], ['b']]);
    read.pending[1]!.resolve();
    expect((await next).get('b')).toBe('B');
  });

  it('resumes the requests of a big batch a few at a time, so timers and I/O run in between', async () => {
    const read = controlledRead();
    const batcher = new Batcher(read.load);
    const settled: number[] = [];
    const all = Array.from({ length: 100 }, (_, i) => batcher.get([`k${i}`]).then(() => settled.push(i)));
    await turn();
    read.pending[0]!.resolve();
    // Other work queued when the answer came: it runs before every request has gone on.
    await turn();
    expect(settled.length).toBeGreaterThan(0);
    expect(settled.length).toBeLessThan(100);
    await Promise.all(all);
    expect(settled).toHaveLength(100);
  });

  it('starts a new batch once one holds maxKeys keys', async () => {
    const read = controlledRead();
    const batcher = new Batcher(read.load, { maxKeys: 2 });
    const answers = [batcher.get(['a']), batcher.get(['b']), batcher.get(['c']), batcher.get(['d', 'e'])];
    await turn();
    expect(read.batches).toEqual([['a', 'b']]);
    read.pending[0]!.resolve();
    await answers[1];
    await turn();
    expect(read.batches).toEqual([['a', 'b'], ['c', 'd', 'e']]);
    read.pending[1]!.resolve();
    expect((await answers[3]!).get('e')).toBe('E');
  });

  describe('in a storm', () => {
    afterEach(() => {
      vi.useRealTimers();
    });

    it('gathers for busyGatherMs after a batch of several, and only gatherMs for a lone request on a quiet server', async () => {
      vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setImmediate', 'performance'] });
      const read = controlledRead();
      const batcher = new Batcher(read.load, { gatherMs: 5, busyGatherMs: 50 });
      const settle = async (answer: Promise<unknown>) => {
        read.pending.at(-1)!.resolve();
        await vi.advanceTimersByTimeAsync(0);
        await answer;
      };
      // Quiet: a lone request goes after gatherMs.
      const lone = batcher.get(['a']);
      await vi.advanceTimersByTimeAsync(5);
      expect(read.batches).toEqual([['a']]);
      await settle(lone);
      // Two at once: one batch of two, after gatherMs (the batch before was alone).
      const pair = Promise.all([batcher.get(['b']), batcher.get(['c'])]);
      await vi.advanceTimersByTimeAsync(5);
      expect(read.batches).toHaveLength(2);
      await settle(pair);
      // A storm is under way: requests 20 ms apart still share one read.
      const d = batcher.get(['d']);
      await vi.advanceTimersByTimeAsync(20);
      const e = batcher.get(['e']);
      await vi.advanceTimersByTimeAsync(20);
      expect(read.batches).toHaveLength(2);
      await vi.advanceTimersByTimeAsync(10);
      expect(read.batches.at(-1)).toEqual(['d', 'e']);
      await settle(Promise.all([d, e]));
      // Quiet again (a second without batches): back to gatherMs.
      await vi.advanceTimersByTimeAsync(2000);
      const f = batcher.get(['f']);
      await vi.advanceTimersByTimeAsync(5);
      expect(read.batches.at(-1)).toEqual(['f']);
      await settle(f);
    });
  });
});
