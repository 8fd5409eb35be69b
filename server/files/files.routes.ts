import type { Request, Response } from 'express';
import { Router } from 'express';
import { pipeline } from 'node:stream/promises';
import { AppError } from '../../shared/errors.js';
import { conversationParamsSchema } from '../../shared/schemas/conversations.js';
import { fileParamsSchema, listFilesQuerySchema } from '../../shared/schemas/files.js';
import { authOf, loggerOf } from '../transport/http.js';
import { parse } from '../transport/validate.js';
import { contentDisposition } from './file-names.js';
import type { FilesService } from './files.service.js';
import { receiveUpload, type ReceivedFile } from './receive.js';

export function filesRoutes(files: FilesService): Router {
  const router = Router();

  // Upload (multipart, field `file`) → 201 FileInfo. Checked before the body is read; the file is
  // the uploader's until a message:send names it in `fileIds`.
  router.post('/conversations/:id/files', async (req, res) => {
    // The limit rides on every answer (also refusals), so the web client checks the next file against it.
    res.setHeader('X-Max-File-Bytes', String(files.maxBytes));
    const { id } = parse(conversationParamsSchema, req.params);
    const { user } = authOf(req);
    await files.beforeUpload(user, id);
    let upload: ReceivedFile;
    try {
      upload = await receiveUpload(req, files.maxBytes);
    } catch (err) {
      // The rest of an oversized body is not worth reading: answer, then close the connection.
      if (err instanceof AppError && err.code === 'payload_too_large') res.set('Connection', 'close');
      throw err;
    }
    try {
      res.status(201).json(await files.store(user, id, upload, loggerOf(req)));
    } finally {
      await upload.discard();
    }
  });

  router.get('/conversations/:id/files', async (req, res) => {
    const { id } = parse(conversationParamsSchema, req.params);
    const query = parse(listFilesQuerySchema, req.query);
    res.json(await files.list(authOf(req).user.id, id, query));
  });

  router.get('/files/:id', (req, res) => serve(files, req, res, 'file'));
  router.get('/files/:id/thumbnail', (req, res) => serve(files, req, res, 'thumbnail'));

  return router;
}

/**
 * A download, streamed from GridFS. The headers keep a file from acting as a page of this site:
 * only raster images are `inline`, everything else an `attachment`; the stored type with `nosniff`;
 * a sandboxing CSP that lets nothing run or load. `private, no-store`, like every API answer: a
 * file is message content and is not left in the browser's cache on the remote terminal, and every
 * showing is a request whose membership is checked.
 */
async function serve(files: FilesService, req: Request, res: Response, part: 'file' | 'thumbnail'): Promise<void> {
  const { id } = parse(fileParamsSchema, req.params);
  const file = await files.download(authOf(req).user.id, id, part);
  // setHeader, not res.set: Express would append a charset to text types, which we do not know.
  res.setHeader('Content-Type', file.type);
  res.set({
    'Content-Disposition': contentDisposition(file.inline ? 'inline' : 'attachment', file.name),
    'X-Content-Type-Options': 'nosniff',
    'Content-Security-Policy': "default-src 'none'; sandbox",
    'Cache-Control': 'private, no-store',
  });
  res.setHeader('Content-Length', String(file.length));
  try {
    await pipeline(file.open(), res);
  } catch {
    // The client went away, or a chunk could not be read: pipeline has already ended the response
    // (the connection closes short of Content-Length, which a browser reports as a failed download).
    res.destroy();
  }
}
