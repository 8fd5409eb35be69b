import type { FileInfo } from '../../../../shared/schemas/files.js';
import { MAX_FILES_PER_MESSAGE } from '../../../../shared/constants.js';
import type { ErrorCode } from '../../../../shared/errors.js';
import { createStore, useStore } from '../../app/store';
import { ApiError } from '../../net/api';
import { UploadAborted, uploadFile, type UploadHandle } from './upload';

/**
 * Files being attached. Each file starts uploading the moment it is chosen, dropped or pasted
 * (`POST /api/conversations/:id/files`), while the person writes; its chip shows the progress.
 * On send, the composer's files go with the message (`Outgoing.uploadIds`), and the outbox sends
 * the message only once every one of them is stored. The files themselves (the Blobs) stay in
 * this module's memory only until stored or removed: nothing is written to browser storage.
 *
 *   uploading ──201──> stored
 *   uploading ──error──> failed ──retry──> uploading
 *   any ──× (cancel)──> gone (an upload on the wire is aborted)
 */
export interface Upload {
  id: string;
  conversationId: string;
  name: string;
  size: number;
  type: string;
  status: 'uploading' | 'stored' | 'failed';
  /** Bytes sent so far. */
  loaded: number;
  /** Once stored: the server's file. */
  file?: FileInfo;
  error?: { code: ErrorCode; message: string };
}

interface UploadsState {
  uploads: Record<string, Upload>;
  /** conversationId → the uploads shown in that conversation's composer (not yet sent), in order. */
  composing: Record<string, string[]>;
  /** conversationId → files refused at the last attempt to attach (too big, too many): shown until the next. */
  refused: Record<string, Refusal[]>;
  /** The largest file the server takes (20 MB unless the server says otherwise: `X-Max-File-Bytes`). */
  maxFileBytes: number;
}

export const DEFAULT_MAX_FILE_BYTES = 20 * 1024 * 1024;

export const uploadStore = createStore<UploadsState>({ uploads: {}, composing: {}, refused: {}, maxFileBytes: DEFAULT_MAX_FILE_BYTES });

/** The upload under way for each uploading file, and its Blob (kept for a retry) until stored. */
const handles = new Map<string, UploadHandle>();
const blobs = new Map<string, Blob>();

let counter = 0;
const localId = () => `u${Date.now().toString(36)}${(counter++).toString(36)}`;

function patch(id: string, change: (u: Upload) => Upload): void {
  uploadStore.set((s) => {
    const u = s.uploads[id];
    return u ? { ...s, uploads: { ...s.uploads, [id]: change(u) } } : s;
  });
}

/** Why a file cannot be attached here, before anything is sent: too big, or too many. */
export interface Refusal {
  name: string;
  reason: 'tooLarge' | 'tooMany';
  size: number;
}

/**
 * Attach files to the composer of `conversationId` and start uploading them. Files over the size
 * limit, or beyond MAX_FILES_PER_MESSAGE, are refused at once (returned) and never sent.
 */
export function attachFiles(conversationId: string, files: readonly { file: Blob; name: string }[]): Refusal[] {
  const refused: Refusal[] = [];
  const { maxFileBytes, composing } = uploadStore.get();
  let count = composing[conversationId]?.length ?? 0;
  const added: Upload[] = [];
  for (const { file, name } of files) {
    if (file.size > maxFileBytes) {
      refused.push({ name, reason: 'tooLarge', size: file.size });
      continue;
    }
    if (count >= MAX_FILES_PER_MESSAGE) {
      refused.push({ name, reason: 'tooMany', size: file.size });
      continue;
    }
    count++;
    const id = localId();
    blobs.set(id, file);
    added.push({ id, conversationId, name, size: file.size, type: file.type, status: 'uploading', loaded: 0 });
  }
  uploadStore.set((s) => ({ ...s, refused: { ...s.refused, [conversationId]: refused } }));
  if (added.length) {
    uploadStore.set((s) => ({
      ...s,
      uploads: { ...s.uploads, ...Object.fromEntries(added.map((u) => [u.id, u])) },
      composing: { ...s.composing, [conversationId]: [...(s.composing[conversationId] ?? []), ...added.map((u) => u.id)] },
    }));
    for (const u of added) begin(u.id);
  }
  return refused;
}

function begin(id: string): void {
  const upload = uploadStore.get().uploads[id];
  const blob = blobs.get(id);
  if (!upload || !blob) return;
  patch(id, (u) => ({ ...u, status: 'uploading', loaded: 0, error: undefined }));
  const handle = uploadFile(
    upload.conversationId,
    blob,
    upload.name,
    (loaded) => patch(id, (u) => (u.status === 'uploading' ? { ...u, loaded } : u)),
    (maxFileBytes) => uploadStore.set((s) => (s.maxFileBytes === maxFileBytes ? s : { ...s, maxFileBytes })),
  );
  handles.set(id, handle);
  handle.done.then(
    (file) => {
      if (handles.get(id) !== handle) return;
      handles.delete(id);
      blobs.delete(id);
      patch(id, (u) => ({ ...u, status: 'stored', loaded: u.size, file }));
    },
    (error: unknown) => {
      if (handles.get(id) !== handle) return;
      handles.delete(id);
      if (error instanceof UploadAborted) return;
      const e = error instanceof ApiError ? error : new ApiError('internal', 0, String(error));
      patch(id, (u) => ({ ...u, status: 'failed', error: { code: e.code, message: e.message } }));
    },
  );
}

/** Upload a failed file again. */
export function retryUpload(id: string): void {
  if (uploadStore.get().uploads[id]?.status === 'failed') begin(id);
}

/** × on a chip: abort the upload if it is under way, and drop the file (from the composer too). */
export function removeUpload(id: string): void {
  const handle = handles.get(id);
  handles.delete(id);
  handle?.abort();
  blobs.delete(id);
  uploadStore.set((s) => {
    if (!s.uploads[id]) return s;
    const uploads = { ...s.uploads };
    const conversationId = uploads[id]!.conversationId;
    delete uploads[id];
    const list = s.composing[conversationId];
    return { ...s, uploads, composing: list?.includes(id) ? { ...s.composing, [conversationId]: list.filter((x) => x !== id) } : s.composing };
  });
}

/** Send: the composer's files leave it (they now belong to the message being sent). */
export function takeComposerUploads(conversationId: string): string[] {
  const ids = uploadStore.get().composing[conversationId] ?? [];
  uploadStore.set((s) => {
    if (!s.composing[conversationId] && !s.refused[conversationId]?.length) return s;
    const composing = { ...s.composing };
    delete composing[conversationId];
    return { ...s, composing, refused: { ...s.refused, [conversationId]: [] } };
  });
  return ids;
}

const noRefusals: Refusal[] = [];
export function useRefusals(conversationId: string): readonly Refusal[] {
  return useStore(uploadStore, (s) => s.refused[conversationId] ?? noRefusals);
}

/** The files of a message, all stored: their ids for `message:send`; null while any is not. */
export function storedFileIds(ids: readonly string[]): string[] | null {
  const { uploads } = uploadStore.get();
  const out: string[] = [];
  for (const id of ids) {
    const u = uploads[id];
    if (!u) continue; // removed: the message goes without it
    if (u.status !== 'stored' || !u.file) return null;
    out.push(u.file.id);
  }
  return out;
}

/** Forget the uploads of a sent (or discarded) message. */
export function forgetUploads(ids: readonly string[]): void {
  for (const id of ids) removeUpload(id);
}

/** Sign-out: every upload under way stops, and nothing of them stays in memory. */
export function clearUploads(): void {
  for (const handle of handles.values()) handle.abort();
  handles.clear();
  blobs.clear();
  uploadStore.set((s) => ({ ...s, uploads: {}, composing: {}, refused: {} }));
}

const none: readonly Upload[] = [];
const cache = new WeakMap<object, Map<string, readonly Upload[]>>();
/** The uploads with these ids (stable while none of them changes). */
export function useUploads(ids: readonly string[] | undefined): readonly Upload[] {
  const key = ids?.join(',') ?? '';
  return useStore(uploadStore, (s) => {
    if (!key) return none;
    let byKey = cache.get(s.uploads);
    if (!byKey) cache.set(s.uploads, (byKey = new Map()));
    let found = byKey.get(key);
    if (!found) byKey.set(key, (found = ids!.map((id) => s.uploads[id]).filter((u): u is Upload => Boolean(u))));
    return found;
  });
}

/** The ids of the uploads in a conversation's composer. */
export function useComposingIds(conversationId: string): readonly string[] | undefined {
  return useStore(uploadStore, (s) => s.composing[conversationId]);
}

export function useMaxFileBytes(): number {
  return useStore(uploadStore, (s) => s.maxFileBytes);
}
