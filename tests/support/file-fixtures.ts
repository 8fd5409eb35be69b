import { crc32 } from 'node:zlib';
import sharp from 'sharp';
import type { FileInfo } from '../../shared/schemas/files.js';
import type { SignedIn } from './factories.js';

/** Test files made in code (no binaries in the repository), and the HTTP calls of server/files. */

/** A PNG of the given size (a flat colour). */
export function png(width: number, height: number): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: { r: 40, g: 120, b: 200 } } })
    .png()
    .toBuffer();
}

/** A JPEG stored `width`×`height` whose EXIF says "rotate 90°" (orientation 6), as phones write portraits. */
export function rotatedJpeg(width: number, height: number): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: { r: 200, g: 80, b: 40 } } })
    .jpeg()
    .withMetadata({ orientation: 6 })
    .toBuffer();
}

/** A one-page PDF, written out by hand (offsets computed, so readers accept it). */
export function pdf(text = 'Hello'): Buffer {
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 100] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
    `<< /Length ${`BT /F1 12 Tf 20 50 Td (${text}) Tj ET`.length} >>\nstream\nBT /F1 12 Tf 20 50 Td (${text}) Tj ET\nendstream`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
  ];
  let out = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((body, i) => {
    offsets.push(out.length);
    out += `${i + 1} 0 obj\n${body}\nendobj\n`;
  });
  const xref = out.length;
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const o of offsets) out += `${String(o).padStart(10, '0')} 00000 n \n`;
  out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, 'latin1');
}

/** A zip archive of the given entries, stored uncompressed. */
export function zip(entries: [name: string, content: string][]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [entryName, content] of entries) {
    const data = Buffer.from(content);
    const name = Buffer.from(entryName);
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, data);
    centrals.push(central, name);
    offset += local.length + name.length + data.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

/** The skeleton of an Excel workbook (.xlsx): what makes a zip an xlsx by its content. */
export function xlsx(): Buffer {
  return zip([
    [
      '[Content_Types].xml',
      '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">' +
        '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/></Types>',
    ],
    ['xl/workbook.xml', '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"/>'],
  ]);
}

export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

export interface UploadAnswer {
  status: number;
  body: any;
  headers: Record<string, string>;
}

/** `POST /api/conversations/:id/files` as a browser's FormData sends it (field `file`, the name in UTF-8). */
export async function upload(baseUrl: string, who: SignedIn, conversationId: string, name: string, bytes: Uint8Array, type = 'application/octet-stream'): Promise<UploadAnswer> {
  const form = new FormData();
  form.append('file', new Blob([new Uint8Array(bytes)], { type }), name);
  const res = await fetch(`${baseUrl}/api/conversations/${conversationId}/files`, {
    method: 'POST',
    headers: { authorization: `Bearer ${who.token}` },
    body: form,
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined, headers: Object.fromEntries(res.headers) };
}

/** Uploads and expects 201: the stored file's info. */
export async function uploaded(baseUrl: string, who: SignedIn, conversationId: string, name: string, bytes: Uint8Array): Promise<FileInfo> {
  const res = await upload(baseUrl, who, conversationId, name, bytes);
  if (res.status !== 201) throw new Error(`upload ${name} failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

export interface Downloaded {
  status: number;
  headers: Headers;
  bytes: Buffer;
}

/** `GET /api/files/:id` (or its thumbnail) with the person's token. */
export async function download(baseUrl: string, who: SignedIn, fileId: string, part: '' | '/thumbnail' = ''): Promise<Downloaded> {
  const res = await fetch(`${baseUrl}/api/files/${fileId}${part}`, { headers: { authorization: `Bearer ${who.token}` } });
  return { status: res.status, headers: res.headers, bytes: Buffer.from(await res.arrayBuffer()) };
}

/** The name a browser saves under: RFC 5987's `filename*=UTF-8''…` of a Content-Disposition. */
export function savedName(contentDisposition: string | null): string | undefined {
  const match = /filename\*=UTF-8''([^;]+)/i.exec(contentDisposition ?? '');
  return match ? decodeURIComponent(match[1]!) : undefined;
}
