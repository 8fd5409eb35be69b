import type { mongo, Types } from 'mongoose';
import type { FileInfo, FileKind } from '../../shared/schemas/files.js';

/**
 * The GridFS bucket `files` (collections `files.files` and `files.chunks`), written only by
 * files.service.ts through the driver's GridFSBucket. GridFS keeps its own fields (`length`,
 * `chunkSize`, `uploadDate`, `filename`); ours are in `metadata`.
 */
export const BUCKET = 'files';
export const FILES_COLLECTION = `${BUCKET}.files`;

/** An uploaded file's `metadata`. */
export interface FileMeta {
  conversationId: Types.ObjectId;
  uploaderId: Types.ObjectId;
  /** Cleaned (file-names.ts); also GridFS's `filename`. */
  name: string;
  /** Recognised from the content (file-types.ts). */
  type: string;
  kind: FileKind;
  size: number;
  width?: number;
  height?: number;
  /** Images: the thumbnail's own GridFS file, and its length (served without reading its record). */
  thumbnailId?: Types.ObjectId;
  thumbnailSize?: number;
  /** Not sent yet: removed by the send that attaches it; the sweep deletes those left too long. */
  unsent?: true;
  // Set once, by the send that attaches it (FilesService.markAttached).
  messageId?: Types.ObjectId;
  seq?: number;
  /** The sender's clientMsgId: a retry of the same send may name the file again. */
  clientMsgId?: string;
  attachedAt?: Date;
  /** Its message was taken back: no longer listed or served (kept for the record). */
  takenBackAt?: Date;
}

/** A thumbnail's `metadata`: it is reached only through its image (`thumbnailId`). */
export interface ThumbnailMeta {
  thumbnailOf: Types.ObjectId;
  type: string;
}

export interface GridFileDoc<M> {
  _id: Types.ObjectId;
  length: number;
  uploadDate: Date;
  filename: string;
  metadata: M;
}

/** What a message stores in `files` (a snapshot taken at send; `id` as an ObjectId). */
export interface StoredFileInfo extends Omit<FileInfo, 'id'> {
  id: Types.ObjectId;
}

/** The wire form of a stored file. */
export function fileInfoOf(id: Types.ObjectId, meta: FileMeta): FileInfo {
  const info: FileInfo = { id: id.toHexString(), name: meta.name, size: meta.size, type: meta.type, kind: meta.kind, thumbnail: Boolean(meta.thumbnailId) };
  if (meta.width && meta.height) {
    info.width = meta.width;
    info.height = meta.height;
  }
  return info;
}

export function storedFileInfoOf(id: Types.ObjectId, meta: FileMeta): StoredFileInfo {
  return { ...fileInfoOf(id, meta), id };
}

/** `Message.files` from what a message stores. */
export function fileInfoFromStored(stored: StoredFileInfo): FileInfo {
  const info: FileInfo = { id: String(stored.id), name: stored.name, size: stored.size, type: stored.type, kind: stored.kind, thumbnail: Boolean(stored.thumbnail) };
  if (stored.width && stored.height) {
    info.width = stored.width;
    info.height = stored.height;
  }
  return info;
}

/**
 * Ours, beside GridFS's own (`filename, uploadDate` and the chunks' `files_id, n`, which the driver
 * makes): a conversation's files list, newest first, with or without a kind; a message's files
 * (take-back); unsent uploads by age (the sweep).
 */
export const FILE_INDEXES: mongo.IndexDescription[] = [
  { key: { 'metadata.conversationId': 1, _id: -1 }, name: 'conversation_newest' },
  { key: { 'metadata.conversationId': 1, 'metadata.kind': 1, _id: -1 }, name: 'conversation_kind_newest' },
  { key: { 'metadata.messageId': 1 }, name: 'message', sparse: true },
  // Only unsent uploads are in it: the sweep reads what it deletes, never the files of messages.
  { key: { uploadDate: 1 }, name: 'unsent_by_age', partialFilterExpression: { 'metadata.unsent': true } },
];
