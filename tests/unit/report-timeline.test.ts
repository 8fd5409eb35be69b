import { describe, expect, it } from 'vitest';
import { activeWithin, maxPerBlock, nextTokyoMidnight, peakConcurrency, perMinuteConcurrency, splitByTokyoDay } from '../../server/reports/timeline.js';

const at = (jst: string) => Date.parse(`${jst}+09:00`);
const MIN = 60_000;

describe('report timeline arithmetic', () => {
  it('cuts a session at each Tokyo midnight, whatever the UTC date', () => {
    expect(nextTokyoMidnight(at('2026-11-10T23:59:59'))).toBe(at('2026-11-11T00:00:00'));
    expect(nextTokyoMidnight(at('2026-11-11T00:00:00'))).toBe(at('2026-11-12T00:00:00'));
    const pieces = splitByTokyoDay({ start: at('2026-11-10T22:00:00'), end: at('2026-11-12T01:30:00') });
    expect(pieces.map((p) => [p.date, (p.end - p.start) / MIN])).toEqual([
      ['2026-11-10', 120],
      ['2026-11-11', 1440],
      ['2026-11-12', 90],
    ]);
  });

  it('counts a licence handed over at the same instant once, and a brief overlap inside a minute as two', () => {
    const origin = at('2026-11-10T09:00:00');
    const handover = [
      { start: origin, end: origin + 2 * MIN },
      { start: origin + 2 * MIN, end: origin + 4 * MIN },
    ];
    expect([...perMinuteConcurrency(handover, origin, 5)]).toEqual([1, 1, 1, 1, 0]);
    expect(peakConcurrency(handover)).toBe(1);
    const overlap = [
      { start: origin, end: origin + 2 * MIN + 30_000 },
      { start: origin + 2 * MIN + 10_000, end: origin + 4 * MIN },
    ];
    expect([...perMinuteConcurrency(overlap, origin, 5)]).toEqual([1, 1, 2, 1, 0]);
  });

  it('keeps the highest value of each block, so a short full-pool spike survives aggregation', () => {
    expect(maxPerBlock(Int32Array.from([0, 3, 0, 1, 1, 0, 2]), 3)).toEqual([3, 1, 2]);
  });

  it('finds a message hour within a session, giving the benefit of the doubt only to an hour that straddles it', () => {
    const h = (first: number, last: number) => ({ first, last });
    const hours = [h(10, 20), h(100, 150), h(200, 260)];
    expect(activeWithin(hours, 15, 30)).toBe(true); // last inside
    expect(activeWithin(hours, 5, 12)).toBe(true); // first inside
    expect(activeWithin(hours, 21, 99)).toBe(false); // between hours
    expect(activeWithin(hours, 110, 140)).toBe(true); // straddled: counted as active
    expect(activeWithin(hours, 261, 400)).toBe(false);
    expect(activeWithin([], 0, 100)).toBe(false);
  });
});
