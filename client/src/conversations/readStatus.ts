/** How many of the other members have read up to `seq`. */
export function readersOf(seq: number, memberIds: readonly string[], marks: Record<string, number> | undefined, meId: string): number {
  if (!marks) return 0;
  let n = 0;
  for (const id of memberIds) if (id !== meId && (marks[id] ?? 0) >= seq) n++;
  return n;
}
