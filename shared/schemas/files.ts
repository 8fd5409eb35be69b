import { z } from 'zod';
import { FILE_KINDS, MAX_FILES_PER_MESSAGE } from '../constants.js';
import { idSchema, intFromQuery, isoTimeSchema } from './common.js';

export { FILE_KINDS, MAX_FILES_PER_MESSAGE };

export const fileKindSchema = z.enum(FILE_KINDS);
export type FileKind = z.infer<typeof fileKindSchema>;

/**
 * A stored file as messages and the files list carry it (`Message.files`), and as
 * `POST /api/conversations/:id/files` answers (201). `type` is the media type the server
 * recognised (by content, not by the name); `thumbnail` says `GET /api/files/:id/thumbnail` has
 * one (images only); `width`/`height` are the image's own size.
 */
export const fileInfoSchema = z.object({
  id: idSchema,
  name: z.string(),
  size: z.number().int().nonnegative(),
  type: z.string(),
  kind: fileKindSchema,
  thumbnail: z.boolean(),
  width: z.number().int().positive().optional(),
  height: z.number().int().positive().optional(),
});
export type FileInfo = z.infer<typeof fileInfoSchema>;

/** Added to `message:send`: files uploaded to this conversation by the sender and not yet sent. */
export const fileSendFields = {
  fileIds: z.array(idSchema).max(MAX_FILES_PER_MESSAGE, `at most ${MAX_FILES_PER_MESSAGE} files per message`).optional(),
};

/** `GET /api/conversations/:id/files?kind=&before=&limit=`: newest first; `before` is a file id from the last page. */
export const listFilesQuerySchema = z
  .object({
    kind: fileKindSchema.optional(),
    before: idSchema.optional(),
    limit: intFromQuery(1, 100).optional(),
  })
  .strict();
export type ListFilesQuery = z.infer<typeof listFilesQuerySchema>;

/** One entry of a conversation's files list: the file and the message that carries it. */
export const conversationFileSchema = fileInfoSchema.extend({
  messageId: idSchema,
  seq: z.number().int().positive(),
  senderId: idSchema,
  createdAt: isoTimeSchema,
});
export type ConversationFile = z.infer<typeof conversationFileSchema>;
export const filesPageSchema = z.object({ files: z.array(conversationFileSchema), hasMore: z.boolean() });
export type FilesPage = z.infer<typeof filesPageSchema>;

/** `GET /api/files/:id` and `GET /api/files/:id/thumbnail`. */
export const fileParamsSchema = z.object({ id: idSchema }).strict();
