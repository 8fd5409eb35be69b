import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import busboy from 'busboy';
import type { Request } from 'express';
import { AppError } from '../../shared/errors.js';
import { cleanFileName } from './file-names.js';
import { extensionOf } from './file-types.js';

/** An upload on disk, waiting to be checked and stored; `discard` removes it (always call it). */
export interface ReceivedFile {
  path: string;
  /** Cleaned (file-names.ts). */
  name: string;
  size: number;
  discard(): Promise<void>;
}

/** Room for the multipart framing around the file: a request this much over the limit is refused unread. */
const MULTIPART_OVERHEAD = 64 * 1024;
export const FILE_FIELD = 'file';

/** "20 MB", "512 KB", "100 bytes": the limit as people read it. */
export function sizeLabel(bytes: number): string {
  const mb = 1024 * 1024;
  if (bytes >= mb) return `${Number((bytes / mb).toFixed(1))} MB`;
  if (bytes >= 1024) return `${Number((bytes / 1024).toFixed(1))} KB`;
  return `${bytes} bytes`;
}

export function tooLarge(maxBytes: number): AppError {
  return new AppError('payload_too_large', `ファイルが大きすぎます(上限 ${sizeLabel(maxBytes)}) / the file is larger than the limit of ${sizeLabel(maxBytes)}`);
}

/**
 * Streams the multipart field `file` of `req` to a temporary file (in a directory of its own under
 * the system's temp directory), counting bytes as they arrive: past `maxBytes` the file is cut off
 * and thrown away and the request answers `payload_too_large` — the upload is never held in memory
 * and nothing over the limit reaches the database. A request whose declared length is already far
 * over the limit is refused before a byte is read. Other fields and further files are ignored.
 */
export async function receiveUpload(req: Request, maxBytes: number): Promise<ReceivedFile> {
  if (!req.is('multipart/form-data')) throw new AppError('bad_request', `send the file as multipart/form-data in the field "${FILE_FIELD}"`);
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes + MULTIPART_OVERHEAD) throw tooLarge(maxBytes);

  const dir = await mkdtemp(path.join(tmpdir(), 'telework-upload-'));
  const discard = () => rm(dir, { recursive: true, force: true });
  try {
    const { name, size, file } = await new Promise<{ name: string; size: number; file: string }>((resolve, reject) => {
      let bb: busboy.Busboy;
      try {
        // Browsers send the name's UTF-8 bytes in `filename="…"`; busboy would read them as Latin-1.
        // Busboy calls a file that reaches `fileSize` truncated: one byte more tells "exactly the limit" from "over".
        bb = busboy({ headers: req.headers, defParamCharset: 'utf8', limits: { files: 1, fileSize: maxBytes + 1, fields: 20, parts: 30 } });
      } catch {
        reject(new AppError('bad_request', 'malformed multipart request'));
        return;
      }
      let writing: Promise<{ name: string; size: number; file: string; truncated: boolean }> | undefined;
      let received = 0;
      let failed = false;
      // Stop parsing and let the rest of the request drain (unread) while the answer goes out.
      const fail = (err: AppError) => {
        if (failed) return;
        failed = true;
        req.unpipe(bb);
        req.resume();
        reject(err);
      };
      // Chunked uploads declare no length: the framing around the file cannot be this large.
      req.on('data', (chunk: Buffer) => {
        received += chunk.length;
        if (received > maxBytes + MULTIPART_OVERHEAD) fail(tooLarge(maxBytes));
      });
      req.once('aborted', () => fail(new AppError('bad_request', 'the upload was interrupted')));
      bb.on('file', (field, stream, info) => {
        if (field !== FILE_FIELD || writing) {
          stream.resume();
          return;
        }
        const name = cleanFileName(info.filename ?? '');
        // The temporary file keeps the extension (some scanners look at it); the name is never in a path.
        const ext = extensionOf(name).replace(/[^a-z0-9]/g, '').slice(0, 10);
        const file = path.join(dir, ext ? `upload.${ext}` : 'upload');
        let size = 0;
        stream.on('data', (chunk: Buffer) => (size += chunk.length));
        writing = pipeline(stream, createWriteStream(file, { mode: 0o600 })).then(() => ({ name, size, file, truncated: Boolean(stream.truncated) }));
        // Awaited on close; this only keeps an early failure from counting as unhandled meanwhile.
        writing.catch(() => undefined);
      });
      bb.once('error', () => fail(new AppError('bad_request', 'malformed multipart request')));
      bb.once('close', () => {
        if (!writing) {
          reject(new AppError('bad_request', `send the file in the multipart field "${FILE_FIELD}"`));
          return;
        }
        writing.then(
          (done) => (done.truncated ? reject(tooLarge(maxBytes)) : resolve(done)),
          () => reject(new AppError('bad_request', 'the upload was interrupted')),
        );
      });
      req.pipe(bb);
    });
    return { path: file, name, size, discard };
  } catch (err) {
    await discard();
    throw err;
  }
}
