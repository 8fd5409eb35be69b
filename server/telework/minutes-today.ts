/** Japan has no daylight saving time: Asia/Tokyo is always UTC+9. */
const JST_OFFSET_MS = 9 * 3600_000;

/** Midnight (00:00 Asia/Tokyo) of the day that `now` falls in, as a UTC instant. */
export function startOfTokyoDay(now: Date): Date {
  const local = now.getTime() + JST_OFFSET_MS;
  return new Date(local - (local % 86_400_000) - JST_OFFSET_MS);
}

/**
 * Whole minutes of telework today (Asia/Tokyo), counting only the part of each session that
 * falls between today's midnight and now. A session still running counts up to now.
 */
export function teleworkMinutesToday(sessions: { startedAt: Date; endedAt?: Date | null }[], now: Date): number {
  const dayStart = startOfTokyoDay(now).getTime();
  let ms = 0;
  for (const s of sessions) {
    const from = Math.max(s.startedAt.getTime(), dayStart);
    const to = Math.min(s.endedAt ? s.endedAt.getTime() : now.getTime(), now.getTime());
    if (to > from) ms += to - from;
  }
  return Math.floor(ms / 60_000);
}
