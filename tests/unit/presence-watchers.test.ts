// The per-process index of who watches whose presence: a change reaches exactly the sockets that
// watch the person (and the person's own sockets), whatever was watched, replaced or dropped before.
import { describe, expect, it } from 'vitest';
import { Watchers } from '../../server/presence/watchers';

const sorted = (xs: readonly string[]) => [...xs].sort();

/** What a `presence:watch` does to the index as it starts (PresenceService.watch): its ticket, set and stamp. */
function startWatch(w: Watchers, socket: string, ids: string[], stamp: number, asked: string[] = ids): number {
  const ticket = w.ticket(socket);
  w.replace(socket, ids, ticket);
  w.answers(socket, ticket, stamp, asked);
  return ticket;
}

describe('who watches whom', () => {
  it('a socket watches its own person and exactly the people it last asked for', () => {
    const w = new Watchers();
    w.attach('s1', 'me');
    w.replace('s1', ['a', 'b', 'b', 'c'], w.ticket('s1'));
    expect(sorted(w.watchedBy('s1'))).toEqual(['a', 'b', 'c', 'me']);
    w.replace('s1', ['c', 'd'], w.ticket('s1'));
    expect(sorted(w.watchedBy('s1'))).toEqual(['c', 'd', 'me']);
    expect(w.socketsWatching('a')).toEqual([]);
    expect(w.socketsWatching('b')).toEqual([]);
    expect(w.socketsWatching('c')).toEqual(['s1']);
    expect(w.socketsWatching('me')).toEqual(['s1']);
    // An empty set still leaves the person's own presence watched.
    w.replace('s1', [], w.ticket('s1'));
    expect(w.watchedBy('s1')).toEqual(['me']);
  });

  it('a change reaches every socket watching the person, and none after they stop or go', () => {
    const w = new Watchers();
    for (const s of ['s1', 's2', 's3']) w.attach(s, `owner-${s}`);
    w.replace('s1', ['x', 'y'], w.ticket('s1'));
    w.replace('s2', ['x'], w.ticket('s2'));
    w.replace('s3', ['y', 'x'], w.ticket('s3'));
    expect(sorted(w.socketsWatching('x'))).toEqual(['s1', 's2', 's3']);
    w.detach('s2');
    expect(sorted(w.socketsWatching('x'))).toEqual(['s1', 's3']);
    w.replace('s1', ['y'], w.ticket('s1'));
    expect(w.socketsWatching('x')).toEqual(['s3']);
    expect(sorted(w.socketsWatching('y'))).toEqual(['s1', 's3']);
    w.detach('s3');
    w.detach('s1');
    expect(w.socketsWatching('x')).toEqual([]);
    expect(w.socketsWatching('y')).toEqual([]);
    expect(w.watchedPeople).toBe(0);
  });

  it('people no longer watched free their place, and whoever takes it later is not mixed up with them', () => {
    const w = new Watchers();
    w.attach('s1', 'me');
    w.replace('s1', ['a', 'b'], w.ticket('s1'));
    w.replace('s1', ['c'], w.ticket('s1'));
    w.attach('s2', 'other');
    w.replace('s2', ['d', 'e', 'a'], w.ticket('s2'));
    expect(sorted(w.watchedBy('s1'))).toEqual(['c', 'me']);
    expect(sorted(w.watchedBy('s2'))).toEqual(['a', 'd', 'e', 'other']);
    expect(w.socketsWatching('a')).toEqual(['s2']);
    expect(w.socketsWatching('b')).toEqual([]);
    expect(w.socketsWatching('c')).toEqual(['s1']);
    expect(w.watchedPeople).toBe(6);
  });

  it('an older watch request that finishes late does not undo a newer one', () => {
    const w = new Watchers();
    w.attach('s1', 'me');
    const first = w.ticket('s1');
    const second = w.ticket('s1');
    w.replace('s1', ['new'], second);
    w.replace('s1', ['old'], first);
    expect(sorted(w.watchedBy('s1'))).toEqual(['me', 'new']);
    expect(w.socketsWatching('old')).toEqual([]);
  });

  it('after any sequence of watches, repeats and departures, each person is watched by exactly the sockets that asked (once each)', () => {
    // A small deterministic generator, so a failure repeats.
    let seed = 7;
    const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2147483648) % n);
    const people = Array.from({ length: 20 }, (_, i) => `p${i}`);
    const w = new Watchers();
    const model = new Map<string, Set<string>>(); // socket → people it watches (its own included)
    for (let step = 0; step < 500; step++) {
      const socket = `s${rand(6)}`;
      const owner = `p${Number(socket.slice(1)) * 3}`;
      if (!model.has(socket)) {
        w.attach(socket, owner);
        model.set(socket, new Set([owner]));
      } else if (rand(10) === 0) {
        w.detach(socket);
        model.delete(socket);
        continue;
      }
      // Repeats, the owner among them, and empty lists happen.
      const asked = Array.from({ length: rand(12) }, () => people[rand(people.length)]!);
      w.replace(socket, asked, w.ticket(socket));
      model.set(socket, new Set([owner, ...asked]));
      for (const person of people) {
        const expected = [...model].filter(([, watched]) => watched.has(person)).map(([s]) => s);
        expect(sorted(w.socketsWatching(person))).toEqual(sorted(expected));
      }
      expect(sorted(w.watchedBy(socket))).toEqual(sorted([...model.get(socket)!]));
    }
    expect(w.watchedPeople).toBe(new Set([...model.values()].flatMap((v) => [...v])).size);
  });

  it('a change older than a socket\'s watch skips it; a newer one and its own person (unasked) do not', () => {
    const w = new Watchers();
    w.attach('early', 'e');
    w.attach('late', 'l');
    w.attach('asker', 'me');
    w.answers('early', 7, 10, ['x']); // a ticket that is not the socket's latest is ignored
    startWatch(w, 'early', ['x'], 5);
    startWatch(w, 'late', ['x'], 20);
    // x changed at 12: `early` read x before that, `late` after (even before its answer went out).
    expect(w.socketsToTell('x', 12)).toEqual(['early']);
    expect(sorted(w.socketsToTell('x', 21))).toEqual(['early', 'late']);
    expect(w.knows('late', 'x', 12)).toBe(true);
    expect(w.knows('early', 'x', 12)).toBe(false);
    expect(w.stampOf('late')).toBe(20);
    // Its own person reaches a socket unless its watch asked for it too.
    expect(w.socketsToTell('l', 3)).toEqual(['late']);
    startWatch(w, 'asker', ['me', 'x'], 30);
    expect(w.socketsToTell('me', 3)).toEqual([]);
  });

  it('after a failed watch every push reaches the socket until a watch answers again; an overtaken failure changes nothing', () => {
    const w = new Watchers();
    w.attach('s', 'me');
    startWatch(w, 's', ['u'], 5, ['u', 'me']);
    const w1 = startWatch(w, 's', ['u'], 11);
    const w2 = startWatch(w, 's', ['u'], 12);
    // W1 fails after W2 began: W2 answers for everything, so nothing changes.
    expect(w.failed('s', w1)).toBe(false);
    expect(w.socketsToTell('u', 10)).toEqual([]);
    // W2 fails: whatever W1's or W0's answer showed, the client may not have kept it.
    expect(w.failed('s', w2)).toBe(true);
    expect(w.stampOf('s')).toBe(0);
    expect(w.socketsToTell('u', 1)).toEqual(['s']);
    expect(w.socketsToTell('me', 1)).toEqual(['s']);
    startWatch(w, 's', ['u'], 20);
    expect(w.socketsToTell('u', 15)).toEqual([]);
  });
});
