import type { FileKind } from '../../../shared/schemas/files.js';
import type { Lang } from '../i18n/i18n';

const numbers = new Map<string, Intl.NumberFormat>();
function numberFormat(lang: Lang, digits: number): Intl.NumberFormat {
  const key = `${lang}${digits}`;
  let f = numbers.get(key);
  if (!f) {
    f = new Intl.NumberFormat(lang === 'ja' ? 'ja-JP' : 'en-GB', { maximumFractionDigits: digits, minimumFractionDigits: 0 });
    numbers.set(key, f);
  }
  return f;
}

/**
 * A file's size as people read it: "512 B", "35 KB", "1.4 MB", "2 GB" — binary units (as Windows
 * Explorer shows them, which is what staff compare against), one decimal below 10 and none above,
 * with the language's digit grouping ("1,023 KB").
 */
export function formatFileSize(bytes: number, lang: Lang): string {
  if (!(bytes >= 0)) return '';
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  if (unit === 0) return `${numberFormat(lang, 0).format(bytes)} B`;
  // Rounded up to the next unit rather than shown as "1,024 KB".
  const digits = value < 10 ? 1 : 0;
  const rounded = Number(value.toFixed(digits));
  if (rounded >= 1024 && unit < units.length - 1) return `1 ${units[unit + 1]}`;
  return `${numberFormat(lang, digits).format(rounded)} ${units[unit]}`;
}

/**
 * The badge shown for a file that is not drawn as a picture: short letters by kind, in a coloured
 * box (decorative: the name says the rest). Letters rather than emoji: terminals without an emoji
 * font would show empty boxes.
 */
export function kindBadge(kind: FileKind): string {
  switch (kind) {
    case 'image':
      return 'IMG';
    case 'pdf':
      return 'PDF';
    case 'document':
      return 'DOC';
    case 'spreadsheet':
      return 'XLS';
    case 'presentation':
      return 'PPT';
    case 'text':
      return 'TXT';
    case 'archive':
      return 'ZIP';
    default:
      return 'FILE';
  }
}

/** The kind as guessed from a name, for a file not yet stored (the server decides by content). */
export function kindOfName(name: string, type = ''): FileKind {
  const ext = /\.([a-z0-9]+)$/i.exec(name)?.[1]?.toLowerCase() ?? '';
  if (type.startsWith('image/') || ['png', 'jpg', 'jpeg', 'gif', 'webp', 'bmp'].includes(ext)) return 'image';
  if (ext === 'pdf' || type === 'application/pdf') return 'pdf';
  if (['doc', 'docx', 'odt', 'rtf', 'jtd'].includes(ext)) return 'document';
  if (['xls', 'xlsx', 'ods', 'csv'].includes(ext)) return 'spreadsheet';
  if (['ppt', 'pptx', 'odp'].includes(ext)) return 'presentation';
  if (['txt', 'md', 'log'].includes(ext) || type.startsWith('text/')) return 'text';
  if (['zip', '7z', 'lzh', 'gz', 'tar'].includes(ext)) return 'archive';
  return 'other';
}

/** Where a stored file is downloaded, and its thumbnail (members only; the session cookie goes along). */
export const fileUrl = (id: string) => `/api/files/${id}`;
export const thumbnailUrl = (id: string) => `/api/files/${id}/thumbnail`;

/** The box a thumbnail is drawn in (the server's thumbnails fit in 320 × 240), so nothing jumps when it arrives. */
export function thumbnailBox(width?: number, height?: number, max = { w: 240, h: 180 }): { width: number; height: number } {
  if (!width || !height) return { width: max.w, height: max.h };
  const scale = Math.min(1, max.w / width, max.h / height);
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) };
}
