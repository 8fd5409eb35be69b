import { describe, expect, it } from 'vitest';
import { Types } from 'mongoose';
import { MembershipCache, type Membership } from '../../server/conversations/membership-cache.js';

// The cache on its own: what it keeps, for how long, and what a drop during a read does.
// The loader stands for the database read ConversationsService gives it.
const membership = (...memberIds: string[]): Membership => ({
  _id: new Types.ObjectId(),
  kind: 'group',
  memberIds,
  members: new Set(memberIds),
});

function deferred<T>() {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

describe('membership cache', () => {
  it('reads a conversation once for a burst of questions, then answers from memory', async () => {
    let reads = 0;
    const cache = new MembershipCache(async () => (reads++, membership('a', 'b')));
    const answers = await Promise.all([cache.get('c1'), cache.get('c1'), cache.get('c1')]);
    expect(new Set(answers).size).toBe(1);
    await cache.get('c1');
    expect(reads).toBe(1);
  });

  it('reads again after a drop', async () => {
    let reads = 0;
    const cache = new MembershipCache(async () => (reads++, membership('a')));
    await cache.get('c1');
    cache.drop('c1');
    await cache.get('c1');
    expect(reads).toBe(2);
  });

  it('does not keep a read that was under way when the members changed', async () => {
    const before = deferred<Membership>();
    const reads = [before.promise, Promise.resolve(membership('a'))];
    const cache = new MembershipCache(() => reads.shift()!);
    const stale = cache.get('c1');
    cache.drop('c1');
    before.resolve(membership('a', 'removed'));
    expect((await stale)!.members.has('removed')).toBe(true);
    expect((await cache.get('c1'))!.members.has('removed')).toBe(false);
  });

  it('keeps no answer for a conversation that does not exist', async () => {
    let reads = 0;
    const cache = new MembershipCache(async () => (reads++, null));
    expect(await cache.get('c1')).toBeNull();
    expect(await cache.get('c1')).toBeNull();
    expect(reads).toBe(2);
  });

  it('holds at most its bound, letting the least recently used go first', async () => {
    const read: string[] = [];
    const cache = new MembershipCache(async (id) => (read.push(id), membership('a')), 2);
    await cache.get('c1');
    await cache.get('c2');
    await cache.get('c1');
    await cache.get('c3');
    expect(cache.size).toBe(2);
    await cache.get('c1');
    await cache.get('c2');
    expect(read).toEqual(['c1', 'c2', 'c3', 'c2']);
  });

  it('reads again once an entry is older than its age limit', async () => {
    let reads = 0;
    const cache = new MembershipCache(async () => (reads++, membership('a')), 10, 0);
    await cache.get('c1');
    await cache.get('c1');
    expect(reads).toBe(2);
  });
});
