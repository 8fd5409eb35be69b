import type { Lang } from '../../i18n/i18n';

/** Browsers name a pasted screenshot "image.png" (or nothing): such a name says nothing to the reader. */
const GENERIC = /^(image|clipboard|blob)?(\.(png|jpe?g|gif|webp|bmp))?$/i;

/**
 * The name a pasted image is stored under when it came without one of its own:
 * 「スクリーンショット 2026-12-04 10.15.png」 (Tokyo time, as the person's screen shows it).
 */
export function pastedName(name: string, type: string, lang: Lang, now = new Date()): string {
  if (name && !GENERIC.test(name)) return name;
  const ext = /^image\/(png|jpeg|gif|webp|bmp)$/.exec(type)?.[1]?.replace('jpeg', 'jpg') ?? 'png';
  // Japan keeps UTC+9 all year: plain arithmetic gives the Tokyo wall clock.
  const tokyo = new Date(now.getTime() + 9 * 3600_000).toISOString();
  const stamp = `${tokyo.slice(0, 10)} ${tokyo.slice(11, 13)}.${tokyo.slice(14, 16)}`;
  return `${lang === 'en' ? 'Screenshot' : 'スクリーンショット'} ${stamp}.${ext}`;
}

/** The files a drop or a paste carries (none for dragged text or links). */
export function filesOf(data: DataTransfer | null): File[] {
  if (!data) return [];
  const files = [...(data.files ?? [])];
  if (files.length) return files;
  // Some sources list pasted images only as items.
  return [...(data.items ?? [])].filter((i) => i.kind === 'file').map((i) => i.getAsFile()).filter((f): f is File => Boolean(f));
}

/** A drag that carries files (not text being moved inside the page). */
export function dragHasFiles(data: DataTransfer | null): boolean {
  return Boolean(data && [...(data.types ?? [])].includes('Files'));
}

/**
 * A paste is taken as attachments only when it holds files and no text: copying cells from Excel
 * puts a picture of them on the clipboard too, and the person means the text.
 */
export function pasteIsFiles(data: DataTransfer | null): boolean {
  if (!data) return false;
  return filesOf(data).length > 0 && !(data.types ?? []).includes('text/plain');
}
