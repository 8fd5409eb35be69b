import { open } from 'node:fs/promises';
import { fileTypeFromFile } from 'file-type';
import type { FileKind } from '../../shared/schemas/files.js';

/**
 * What a file is, recognised from its content (file-type reads the magic bytes), never from the
 * name or the browser's word for it. Two exceptions, where the content has no magic of its own:
 * - plain text and CSV: accepted by their extension when the first bytes look like text;
 * - the old Office formats (.doc/.xls/.ppt) are all one container format (Compound File Binary):
 *   the content says "CFB" and the extension says which application.
 * HTML and SVG are never recognised as anything but `application/xml` or unknown, so the default
 * allow-list refuses them, and nothing but four raster image types is ever served inline.
 */

const UNKNOWN = 'application/octet-stream';

/** Old Office documents are CFB containers; their extension says which kind. */
const LEGACY_OFFICE: Record<string, string> = {
  doc: 'application/msword',
  xls: 'application/vnd.ms-excel',
  ppt: 'application/vnd.ms-powerpoint',
};

/** Text has no magic bytes: these extensions are taken at their word if the content looks like text. */
const TEXT_BY_EXTENSION: Record<string, string> = {
  txt: 'text/plain',
  text: 'text/plain',
  log: 'text/plain',
  md: 'text/plain',
  csv: 'text/csv',
};

/** How much of a supposed text file is looked at. */
const TEXT_SAMPLE_BYTES = 64 * 1024;

/** Served inline (shown in the browser) — raster images only; everything else is an attachment. */
export const INLINE_TYPES: ReadonlySet<string> = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp']);

/** Raster types sharp reads for a thumbnail (never SVG: it is not recognised as an image at all). */
export const THUMBNAIL_TYPES: ReadonlySet<string> = new Set([...INLINE_TYPES, 'image/tiff', 'image/avif', 'image/heic', 'image/heif']);

const KIND_BY_TYPE: Record<string, FileKind> = {
  'application/pdf': 'pdf',
  'application/msword': 'document',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 'document',
  'application/vnd.ms-word.document.macroenabled.12': 'document',
  'application/vnd.oasis.opendocument.text': 'document',
  'application/rtf': 'document',
  'application/vnd.ms-excel': 'spreadsheet',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': 'spreadsheet',
  'application/vnd.ms-excel.sheet.macroenabled.12': 'spreadsheet',
  'application/vnd.oasis.opendocument.spreadsheet': 'spreadsheet',
  // CSV opens in the spreadsheet at the office: it is shown (and filtered) as one.
  'text/csv': 'spreadsheet',
  'application/vnd.ms-powerpoint': 'presentation',
  'application/vnd.openxmlformats-officedocument.presentationml.presentation': 'presentation',
  'application/vnd.openxmlformats-officedocument.presentationml.slideshow': 'presentation',
  'application/vnd.ms-powerpoint.presentation.macroenabled.12': 'presentation',
  'application/vnd.oasis.opendocument.presentation': 'presentation',
  'text/plain': 'text',
  'application/zip': 'archive',
  'application/x-7z-compressed': 'archive',
  'application/gzip': 'archive',
  'application/x-tar': 'archive',
  'application/x-rar-compressed': 'archive',
  'application/x-bzip2': 'archive',
  'application/x-xz': 'archive',
  'application/x-lzh-compressed': 'archive',
};

export function kindOf(type: string): FileKind {
  return KIND_BY_TYPE[type] ?? (type.startsWith('image/') ? 'image' : 'other');
}

/** The lower-case extension of a name, without the dot ('' when none). */
export function extensionOf(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(dot + 1).toLowerCase() : '';
}

/** The media type of the file at `path` (stored under `name`), from its content. */
export async function recogniseType(path: string, name: string): Promise<string> {
  const ext = extensionOf(name);
  const found = await fileTypeFromFile(path);
  if (found) return found.mime === 'application/x-cfb' ? (LEGACY_OFFICE[ext] ?? found.mime) : found.mime;
  const textType = TEXT_BY_EXTENSION[ext];
  if (textType && (await looksLikeText(path))) return textType;
  return UNKNOWN;
}

/**
 * No NUL and no control characters other than tab, line breaks, form feed and escape in the first
 * 64 KB. Any ASCII-compatible encoding passes, Shift_JIS included (Excel's CSV at the office);
 * what it decodes to is not our business: text is only ever downloaded, never shown by the server.
 */
async function looksLikeText(path: string): Promise<boolean> {
  const handle = await open(path, 'r');
  try {
    const sample = Buffer.alloc(TEXT_SAMPLE_BYTES);
    const { bytesRead } = await handle.read(sample, 0, TEXT_SAMPLE_BYTES, 0);
    for (let i = 0; i < bytesRead; i++) {
      const b = sample[i]!;
      if (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0c && b !== 0x0d && b !== 0x1b) return false;
    }
    return true;
  } finally {
    await handle.close();
  }
}

/**
 * FILE_ALLOWED_TYPES: entries are media types (`application/pdf`), wildcards (`image/*`) or kinds
 * (`spreadsheet`). The unknown type (`application/octet-stream`) passes only if named exactly.
 */
export function isAllowed(type: string, kind: FileKind, allowed: readonly string[]): boolean {
  return allowed.some((entry) => {
    if (entry === type) return true;
    if (type === UNKNOWN) return false;
    if (entry.endsWith('/*')) return type.startsWith(entry.slice(0, -1));
    return entry === kind;
  });
}
