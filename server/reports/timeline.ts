/**
 * The pure arithmetic of the reports: per-minute concurrency by a sweep over sorted start/end
 * events, and cutting intervals at Asia/Tokyo midnights. Linear in minutes + sessions.
 */
import { tokyoDateTime } from '../lib/csv.js';

export const MINUTE = 60_000;
export const DAY = 86_400_000;
/** Japan has no daylight saving time: Asia/Tokyo is always UTC+9. */
const JST = 9 * 3_600_000;

/** A half-open interval [start, end) in epoch milliseconds. */
export interface Interval {
  start: number;
  end: number;
}

/** `YYYY-MM-DD` of an instant in Asia/Tokyo. */
export function tokyoDate(at: number): string {
  return tokyoDateTime(new Date(at)).slice(0, 10);
}

/** The first Asia/Tokyo midnight strictly after an instant. */
export function nextTokyoMidnight(at: number): number {
  return Math.floor((at + JST) / DAY) * DAY + DAY - JST;
}

/** Cuts an interval at every Asia/Tokyo midnight inside it: one piece per day it touches. */
export function splitByTokyoDay(iv: Interval): (Interval & { date: string })[] {
  const pieces: (Interval & { date: string })[] = [];
  for (let s = iv.start; s < iv.end; ) {
    const e = Math.min(iv.end, nextTokyoMidnight(s));
    pieces.push({ start: s, end: e, date: tokyoDate(s) });
    s = e;
  }
  return pieces;
}

/**
 * For each minute from `origin`, the most intervals open at any one instant within it. Events are
 * sorted once (an end before a start at the same instant: a licence handed over is not two);
 * then one pass over minutes and events together.
 */
export function perMinuteConcurrency(intervals: readonly Interval[], origin: number, minutes: number): Int32Array {
  const events: [number, number][] = [];
  for (const iv of intervals) {
    if (iv.end <= iv.start) continue;
    events.push([iv.start, 1], [iv.end, -1]);
  }
  events.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const out = new Int32Array(minutes);
  let open = 0;
  let i = 0;
  for (let m = 0; m < minutes; m++) {
    const mStart = origin + m * MINUTE;
    const mEnd = mStart + MINUTE;
    // Whatever happens up to the minute's first instant decides who is open at it.
    while (i < events.length && events[i]![0] <= mStart) open += events[i++]![1];
    let best = open;
    while (i < events.length && events[i]![0] < mEnd) {
      open += events[i++]![1];
      if (open > best) best = open;
    }
    out[m] = best;
  }
  return out;
}

/** The most intervals open at once, over all time (for a department's peak). */
export function peakConcurrency(intervals: readonly Interval[]): number {
  const events: [number, number][] = [];
  for (const iv of intervals) if (iv.end > iv.start) events.push([iv.start, 1], [iv.end, -1]);
  events.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let open = 0;
  let peak = 0;
  for (const [, d] of events) {
    open += d;
    if (open > peak) peak = open;
  }
  return peak;
}

/** Each block of `size` values reduced to its maximum. */
export function maxPerBlock(values: Int32Array, size: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < values.length; i += size) {
    let best = 0;
    for (let j = i; j < Math.min(values.length, i + size); j++) if (values[j]! > best) best = values[j]!;
    out.push(best);
  }
  return out;
}

/**
 * Whether any of these hours (sorted, disjoint: the first and last message of each) had a message
 * within [start, end). Exact when the hour lies inside the interval or its messages lie on one side;
 * an hour whose first message is before the interval and last after it counts as active (the benefit
 * of the doubt: a "silent" session is a prompt to ask, so it should not be claimed wrongly).
 */
export function activeWithin(hours: readonly { first: number; last: number }[], start: number, end: number): boolean {
  let lo = 0;
  let hi = hours.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (hours[mid]!.last < start) lo = mid + 1;
    else hi = mid;
  }
  return lo < hours.length && hours[lo]!.first < end;
}
