import type { FileInfo } from '../../../../shared/schemas/files.js';
import { ApiError, failedAnswer } from '../../net/api';

export interface UploadHandle {
  /** The stored file (201), or an ApiError; an aborted upload rejects with code `aborted`. */
  done: Promise<FileInfo>;
  abort(): void;
}

export class UploadAborted extends Error {
  constructor() {
    super('aborted');
    this.name = 'UploadAborted';
  }
}

/**
 * `POST /api/conversations/:id/files` (multipart, field `file`) through XMLHttpRequest: fetch
 * cannot report an upload's progress. `name` is the name to store (a pasted screenshot gets one).
 * `onLimit` hears the size limit when the server states it (`X-Max-File-Bytes`).
 */
export function uploadFile(
  conversationId: string,
  file: Blob,
  name: string,
  onProgress: (loaded: number, total: number) => void,
  onLimit?: (maxBytes: number) => void,
): UploadHandle {
  const xhr = new XMLHttpRequest();
  const path = `/api/conversations/${conversationId}/files`;
  const done = new Promise<FileInfo>((resolve, reject) => {
    xhr.open('POST', path);
    xhr.withCredentials = true;
    xhr.setRequestHeader('Accept', 'application/json');
    xhr.upload.onprogress = (e) => onProgress(e.loaded, e.lengthComputable ? e.total : file.size);
    xhr.onload = () => {
      const limit = Number(xhr.getResponseHeader('X-Max-File-Bytes'));
      if (limit > 0) onLimit?.(limit);
      let data: unknown;
      try {
        data = JSON.parse(xhr.responseText);
      } catch {
        data = undefined;
      }
      if (xhr.status === 201 || xhr.status === 200) resolve(data as FileInfo);
      else reject(failedAnswer(path, xhr.status, xhr.statusText, data, xhr.getResponseHeader('Retry-After')));
    };
    xhr.onerror = () => reject(new ApiError('unavailable', 0, 'network error'));
    xhr.onabort = () => reject(new UploadAborted());
    const form = new FormData();
    form.append('file', file, name);
    xhr.send(form);
  });
  return { done, abort: () => xhr.abort() };
}
