import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { mongo, Types, type Connection } from 'mongoose';
import type { RateLimiterAbstract, RateLimiterRes } from 'rate-limiter-flexible';
import { AppError } from '../../shared/errors.js';
import type { User } from '../../shared/schemas/auth.js';
import type { FileInfo, FilesPage, ListFilesQuery } from '../../shared/schemas/files.js';
import type { Config } from '../config.js';
import type { ConversationsService } from '../conversations/conversations.service.js';
import type { Limiters } from '../lib/limiter.js';
import type { Logger } from '../log.js';
import {
  BUCKET,
  FILE_INDEXES,
  FILES_COLLECTION,
  fileInfoOf,
  storedFileInfoOf,
  type FileMeta,
  type GridFileDoc,
  type StoredFileInfo,
  type ThumbnailMeta,
} from './file.model.js';
import { INLINE_TYPES, isAllowed, kindOf, recogniseType, THUMBNAIL_TYPES } from './file-types.js';
import type { ReceivedFile } from './receive.js';
import { scanArgv, scanFile } from './scan.js';
import { describeImage, THUMBNAIL_TYPE } from './thumbnails.js';

const oid = (id: string) => new Types.ObjectId(id);
const DEFAULT_PAGE = 50;
const SWEEP_EVERY_MS = 60 * 60 * 1000;
/** Unsent uploads deleted per command; a sweep repeats until none is left. */
const SWEEP_BATCH = 500;

/** What a download serves: the route sets the headers from it and streams `open()`. */
export interface Download {
  name: string;
  type: string;
  length: number;
  inline: boolean;
  open(): Readable;
}

/**
 * Files attached to messages (issue 12). The only writer of the GridFS bucket `files`
 * (`files.files`, `files.chunks`). README.md beside this file states the guarantees.
 *
 * An upload is checked (member, open conversation, rate), received to a temporary file
 * (receive.ts), recognised by its content, allowed or refused, scanned, described (an image's size
 * and thumbnail), and only then written to GridFS: a refused file leaves nothing in the database.
 * It belongs to its uploader until a send attaches it (`forSend`, `markAttached`); from then on the
 * conversation's members may fetch it, until the message is taken back (`takeBack`).
 */
export class FilesService {
  private readonly rate: RateLimiterAbstract;
  private readonly scan: string[] | undefined;
  private timer: NodeJS.Timeout | undefined;
  private sweeping: Promise<number> = Promise.resolve(0);

  constructor(
    private readonly conn: Connection,
    private readonly config: Config,
    private readonly conversations: ConversationsService,
    limiters: Limiters,
  ) {
    this.rate = limiters.create({ name: 'upload', points: config.FILE_UPLOAD_RATE_LIMIT, durationS: config.FILE_UPLOAD_RATE_WINDOW_S });
    this.scan = config.ATTACHMENT_SCAN_COMMAND ? scanArgv(config.ATTACHMENT_SCAN_COMMAND) : undefined;
  }

  private get db(): mongo.Db {
    if (!this.conn.db) throw new AppError('unavailable', 'database unavailable; try again shortly');
    return this.conn.db;
  }

  private get bucket(): mongo.GridFSBucket {
    return new mongo.GridFSBucket(this.db, { bucketName: BUCKET });
  }

  private get files(): mongo.Collection<GridFileDoc<FileMeta>> {
    return this.db.collection<GridFileDoc<FileMeta>>(FILES_COLLECTION);
  }

  async init(): Promise<void> {
    await this.files.createIndexes(FILE_INDEXES);
  }

  /** The hourly sweep of unsent uploads (every process runs it; deleting twice is harmless). */
  start(logger: Logger): void {
    const run = () => {
      this.sweeping = this.sweepUnsent().catch((err: unknown) => {
        logger.warn({ err }, 'the sweep of unsent uploads failed; it runs again within the hour');
        return 0;
      });
    };
    this.timer = setInterval(run, SWEEP_EVERY_MS);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.sweeping;
  }

  /**
   * Deletes uploads that no message took within FILE_UNSENT_TTL_H of their upload (with their
   * thumbnails): a picked file the person never sent, a cancelled message. Read through the
   * partial index of unsent uploads; per batch of 500 a handful of commands, none per file. Returns
   * how many uploads went.
   */
  async sweepUnsent(now = new Date()): Promise<number> {
    const cutoff = new Date(now.getTime() - this.config.FILE_UNSENT_TTL_H * 3600 * 1000);
    let deleted = 0;
    for (;;) {
      const docs = await this.files
        .find({ uploadDate: { $lt: cutoff }, 'metadata.unsent': true }, { projection: { 'metadata.thumbnailId': 1 } })
        .limit(SWEEP_BATCH)
        .toArray();
      if (docs.length === 0) return deleted;
      const found = docs.map((d) => d._id);
      // The records first, still only unsent ones (a send may have taken one since the read); what
      // is left of them was taken, and keeps its chunks and thumbnail. Then the rest's thumbnails and chunks.
      await this.files.deleteMany({ _id: { $in: found }, 'metadata.unsent': true });
      const taken = new Set((await this.files.find({ _id: { $in: found } }, { projection: { _id: 1 } }).toArray()).map((d) => d._id.toHexString()));
      const gone = docs.filter((d) => !taken.has(d._id.toHexString()));
      const thumbnails = gone.flatMap((d) => (d.metadata?.thumbnailId ? [d.metadata.thumbnailId] : []));
      if (thumbnails.length) await this.files.deleteMany({ _id: { $in: thumbnails } });
      await this.db.collection(`${BUCKET}.chunks`).deleteMany({ files_id: { $in: [...gone.map((d) => d._id), ...thumbnails] } });
      deleted += gone.length;
      if (docs.length < SWEEP_BATCH) return deleted;
    }
  }

  get maxBytes(): number {
    return this.config.FILE_MAX_BYTES;
  }

  // ── upload ──────────────────────────────────────────────────

  /** Before a byte is read: a member of an open conversation, within the upload rate. */
  async beforeUpload(uploader: User, conversationId: string): Promise<void> {
    const membership = await this.conversations.requireMember(conversationId, uploader.id);
    if (membership.closed) throw new AppError('forbidden', '終了した打ち合わせにはファイルを送れません');
    await this.rate.consume(uploader.id).catch((res: RateLimiterRes | Error) => {
      if (res instanceof Error) throw res;
      throw new AppError('rate_limited', 'you are uploading too many files; wait a while', {
        retryAfterS: Math.max(1, Math.ceil(res.msBeforeNext / 1000)),
      });
    });
  }

  /** Recognises, allows, scans, describes and stores a received upload; the file is its uploader's until sent. */
  async store(uploader: User, conversationId: string, upload: ReceivedFile, logger: Logger): Promise<FileInfo> {
    const type = await recogniseType(upload.path, upload.name);
    const kind = kindOf(type);
    if (!isAllowed(type, kind, this.config.FILE_ALLOWED_TYPES)) {
      throw new AppError('bad_request', `この種類のファイルは送れません / files of this type are not accepted (${type})`);
    }
    if (this.scan) {
      const result = await scanFile(this.scan, upload.path, this.config.ATTACHMENT_SCAN_TIMEOUT_S * 1000);
      if (result.verdict !== 'clean') {
        // Who, where, how big and what the scanner said; never the name or the content.
        logger.warn({ conversationId, uploaderId: uploader.id, size: upload.size, type, ...result }, 'attachment refused by the scan');
        if (result.verdict === 'refused') {
          throw new AppError('bad_request', 'ファイルは検査で受け付けられませんでした / the attachment scan refused this file');
        }
        throw new AppError('unavailable', 'ファイルを検査できませんでした。しばらくしてから送り直してください / the attachment scan could not check this file; try again later');
      }
    }
    const image = THUMBNAIL_TYPES.has(type) ? await describeImage(upload.path) : null;
    const id = new Types.ObjectId();
    const meta: FileMeta = {
      conversationId: oid(conversationId),
      uploaderId: oid(uploader.id),
      name: upload.name,
      type,
      kind,
      size: upload.size,
      unsent: true,
    };
    if (image) {
      meta.width = image.width;
      meta.height = image.height;
      meta.thumbnailId = new Types.ObjectId();
      meta.thumbnailSize = image.thumbnail.length;
      const thumbMeta: ThumbnailMeta = { thumbnailOf: id, type: THUMBNAIL_TYPE };
      await this.write(meta.thumbnailId, 'thumbnail.webp', thumbMeta, Readable.from([image.thumbnail]));
    }
    try {
      await this.write(id, upload.name, meta, createReadStream(upload.path));
    } catch (err) {
      if (meta.thumbnailId) await this.bucket.delete(meta.thumbnailId).catch(() => undefined);
      throw err;
    }
    return fileInfoOf(id, meta);
  }

  /** GridFS writes the chunks as they stream, then the file's record: no record, no file. */
  private async write(id: Types.ObjectId, filename: string, metadata: FileMeta | ThumbnailMeta, source: Readable): Promise<void> {
    await pipeline(source, this.bucket.openUploadStreamWithId(id, filename, { metadata }));
  }

  // ── send ────────────────────────────────────────────────────

  /**
   * For `message:send` with `fileIds`: the files as the message stores them, in the order given.
   * One read for all of them. Each must be a file the sender uploaded to this conversation and not
   * attached to another message (attached to this same send, a retry, is fine); else `bad_request`.
   */
  async forSend(senderId: string, conversationId: string, fileIds: readonly string[], clientMsgId: string): Promise<StoredFileInfo[]> {
    if (new Set(fileIds).size !== fileIds.length) throw new AppError('bad_request', 'fileIds: a file is named twice');
    const docs = await this.files.find({ _id: { $in: fileIds.map(oid) } }, { projection: { metadata: 1 } }).toArray();
    const byId = new Map(docs.map((d) => [d._id.toHexString(), d]));
    return fileIds.map((id) => {
      const doc = byId.get(id);
      const meta = doc?.metadata;
      if (!doc || !meta?.conversationId || String(meta.conversationId) !== conversationId || String(meta.uploaderId) !== senderId) {
        throw new AppError('bad_request', 'fileIds: each must be a file you uploaded to this conversation');
      }
      if (meta.messageId && meta.clientMsgId !== clientMsgId) throw new AppError('bad_request', 'fileIds: a file is already attached to another message');
      return storedFileInfoOf(doc._id, meta);
    });
  }

  /**
   * After the message is stored and before it is announced (so members can fetch its files at
   * once): the files now belong to the message. One write for all of them; repeating it (a retry)
   * changes nothing.
   */
  async markAttached(fileIds: readonly Types.ObjectId[], message: { _id: Types.ObjectId; seq: number; clientMsgId: string; createdAt: Date }): Promise<void> {
    await this.files.updateMany(
      { _id: { $in: [...fileIds] } },
      {
        $set: {
          'metadata.messageId': message._id,
          'metadata.seq': message.seq,
          'metadata.clientMsgId': message.clientMsgId,
          'metadata.attachedAt': message.createdAt,
        },
        $unset: { 'metadata.unsent': '' },
      },
    );
  }

  /** The message was taken back: its files leave the list and stop being served (kept for the record). */
  async takeBack(messageId: string, at: Date): Promise<void> {
    await this.files.updateMany({ 'metadata.messageId': oid(messageId), 'metadata.takenBackAt': { $exists: false } }, { $set: { 'metadata.takenBackAt': at } });
  }

  // ── read ────────────────────────────────────────────────────

  /**
   * `GET /api/files/:id` and `…/thumbnail`: checked on every request. Served to members of its
   * conversation once attached to a message not taken back; before that to its uploader only.
   * Anyone else gets `not_found`, the same as for an id that does not exist: whether a file exists
   * is not told to those who may not have it.
   */
  async download(userId: string, fileId: string, part: 'file' | 'thumbnail'): Promise<Download> {
    const notFound = new AppError('not_found', 'file not found');
    const doc = await this.files.findOne({ _id: oid(fileId) }, { projection: { metadata: 1, length: 1 } });
    const meta = doc?.metadata;
    // A thumbnail's own record has no conversation: it is reached only through its image.
    if (!doc || !meta?.conversationId || meta.takenBackAt) throw notFound;
    if (!meta.messageId && String(meta.uploaderId) !== userId) throw notFound;
    try {
      await this.conversations.requireMember(String(meta.conversationId), userId);
    } catch (err) {
      if (err instanceof AppError && (err.code === 'forbidden' || err.code === 'not_found')) throw notFound;
      throw err;
    }
    if (part === 'thumbnail') {
      const thumbnailId = meta.thumbnailId;
      if (!thumbnailId) throw notFound;
      return {
        name: `${meta.name.replace(/\.[^.]*$/, '')}.webp`,
        type: THUMBNAIL_TYPE,
        length: meta.thumbnailSize ?? 0,
        inline: true,
        open: () => this.bucket.openDownloadStream(thumbnailId),
      };
    }
    return {
      name: meta.name,
      type: meta.type,
      length: doc.length,
      inline: INLINE_TYPES.has(meta.type),
      open: () => this.bucket.openDownloadStream(doc._id),
    };
  }

  /**
   * `GET /api/conversations/:id/files`: the files of messages not taken back, newest first,
   * optionally of one kind, paged by file id. Members only (403, like everything about a
   * conversation). One query, on the `{conversationId, kind?, _id}` indexes.
   */
  async list(userId: string, conversationId: string, query: ListFilesQuery): Promise<FilesPage> {
    await this.conversations.requireMember(conversationId, userId);
    const limit = query.limit ?? DEFAULT_PAGE;
    const docs = await this.files
      .find(
        {
          'metadata.conversationId': oid(conversationId),
          ...(query.kind ? { 'metadata.kind': query.kind } : {}),
          ...(query.before ? { _id: { $lt: oid(query.before) } } : {}),
          'metadata.messageId': { $exists: true },
          'metadata.takenBackAt': { $exists: false },
        },
        { projection: { metadata: 1 } },
      )
      .sort({ _id: -1 })
      .limit(limit + 1)
      .toArray();
    return {
      hasMore: docs.length > limit,
      files: docs.slice(0, limit).map(({ _id, metadata: meta }) => ({
        ...fileInfoOf(_id, meta),
        messageId: meta.messageId!.toHexString(),
        seq: meta.seq!,
        senderId: meta.uploaderId.toHexString(),
        createdAt: (meta.attachedAt ?? _id.getTimestamp()).toISOString(),
      })),
    };
  }
}
