/** File names: what is kept of the name a browser sent, and how it goes back in `Content-Disposition`. */

export const MAX_NAME_CHARS = 255;
const FALLBACK_NAME = 'file';

/** C0 and C1 controls, DEL, and the bidirectional overrides that make `gpj.exe` read as `exe.jpg`. */
const UNSAFE_CHARS = /[\p{Cc}\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/gu;

/**
 * The name as stored: Unicode NFC (a Mac sends 「が」 as two code points), only the last path part
 * (old browsers send `C:\Users\…\file.xlsx`), no control or bidi-override characters, trimmed, at
 * most 255 characters with the extension kept when it is cut.
 */
export function cleanFileName(raw: string): string {
  let name = raw.normalize('NFC');
  name = name.slice(Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\')) + 1);
  name = name.replace(UNSAFE_CHARS, '').trim();
  if (name === '' || name === '.' || name === '..') return FALLBACK_NAME;
  const chars = [...name];
  if (chars.length <= MAX_NAME_CHARS) return name;
  const dot = name.lastIndexOf('.');
  const ext = dot > 0 ? [...name.slice(dot)] : [];
  if (ext.length === 0 || ext.length > 16) return chars.slice(0, MAX_NAME_CHARS).join('');
  return chars.slice(0, MAX_NAME_CHARS - ext.length).join('') + ext.join('');
}

/**
 * `Content-Disposition` (RFC 6266) with the name twice: `filename*=UTF-8''…` (RFC 5987, which every
 * current browser reads, so 「令和7年度 予算案（修正版）.xlsx」 arrives as it was) and a plain ASCII
 * `filename="…"` for anything older, where every run of other characters becomes `_`.
 */
export function contentDisposition(disposition: 'inline' | 'attachment', name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]+/g, '_').replace(/["\\%]/g, '_');
  const encoded = encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `${disposition}; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}
