import { useEffect, useId, useRef, useState } from 'react';
import type { ConversationFile, FileKind, FilesPage } from '../../../shared/schemas/files.js';
import { FILE_KINDS } from '../../../shared/constants.js';
import { navigate } from '../app/router';
import { useApp } from '../app/state';
import { keepOpenWhileConverting } from '../composer/keys';
import { formatDateTime } from '../i18n/format';
import { useI18n, type MessageKey } from '../i18n/i18n';
import { api, ApiError } from '../net/api';
import { fileUrl, formatFileSize, kindBadge, thumbnailBox, thumbnailUrl } from './format';
import { openFileViewer } from './viewer-store';
import { useFileWords } from './words';
import './files.css';

const PAGE = 30;

/**
 * 「ファイル」: the files sent in one conversation, newest first (`GET /api/conversations/:id/files`),
 * filtered by kind, a page at a time (`before` = the last file's id). Images open the viewer, other
 * files download; each can take the reader to the message that carries it. A modal dialog: Escape
 * closes it and the focus returns to the button that opened it.
 */
export function FilesPanel({ conversationId, title, onClose }: { conversationId: string; title: string; onClose: () => void }) {
  const { t, lang } = useI18n();
  const w = useFileWords();
  const users = useApp((s) => s.users);
  const dialog = useRef<HTMLDialogElement>(null);
  const opener = useRef<HTMLElement | null>(null);
  const id = useId();
  const [kind, setKind] = useState<FileKind | ''>('');
  const [files, setFiles] = useState<ConversationFile[]>([]);
  const [hasMore, setHasMore] = useState(false);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState('');

  useEffect(() => {
    opener.current = document.activeElement as HTMLElement | null;
    const d = dialog.current;
    if (d && !d.open) d.showModal?.();
  }, []);

  /** The dialog has closed (Escape, 閉じる): the page is no longer inert, the focus can go back. */
  function closed() {
    onClose();
    if (opener.current?.isConnected) opener.current.focus();
  }

  async function load(before?: string) {
    setLoading(true);
    setError('');
    try {
      const page = await api.get<FilesPage>(`/api/conversations/${conversationId}/files`, { kind: kind || undefined, before, limit: PAGE });
      setFiles((old) => (before ? [...old, ...page.files] : page.files));
      setHasMore(page.hasMore);
    } catch (e) {
      setError(w('error', { reason: e instanceof ApiError ? t(`err.${e.code}` as MessageKey) : t('err.internal') }));
    } finally {
      setLoading(false);
    }
  }

  useEffect(() => {
    setFiles([]);
    void load();
  }, [kind]); // eslint-disable-line react-hooks/exhaustive-deps

  return (
    <dialog
      ref={dialog}
      className="dialog files-panel"
      aria-labelledby={`${id}-h`}
      onClose={closed}
      onKeyDown={keepOpenWhileConverting}
      data-testid="files-panel"
    >
      <div className="dialog__body">
        <h2 id={`${id}-h`}>{w('panelOf', { title })}</h2>
        <div className="field files-panel__filter">
          <label htmlFor={`${id}-kind`}>{w('kind')}</label>
          <select id={`${id}-kind`} className="input" value={kind} onChange={(e) => setKind(e.target.value as FileKind | '')} data-testid="files-kind">
            <option value="">{w('kindAll')}</option>
            {FILE_KINDS.map((k) => (
              <option key={k} value={k}>
                {w(`kind.${k}`)}
              </option>
            ))}
          </select>
        </div>
        {error && (
          <p className="error" role="alert">
            {error}
          </p>
        )}
        {!loading && !error && files.length === 0 && <p className="muted">{kind ? w('emptyKind') : w('empty')}</p>}
        <ul className="files-panel__list" aria-busy={loading || undefined} data-testid="files-list">
          {files.map((f) => {
            const size = formatFileSize(f.size, lang);
            const sender = users[f.senderId]?.name ?? t('conv.unknownUser');
            return (
              <li key={f.id} className="files-panel__item" data-testid="files-item" data-file-id={f.id}>
                {f.kind === 'image' && f.thumbnail ? (
                  <button type="button" className="files-panel__open" onClick={(e) => openFileViewer(f, e.currentTarget)} aria-label={w('open', { name: f.name })}>
                    <img src={thumbnailUrl(f.id)} alt="" {...thumbnailBox(f.width, f.height, { w: 64, h: 48 })} loading="lazy" />
                  </button>
                ) : (
                  <span className={`files-panel__icon file-badge file-badge--${f.kind}`} aria-hidden="true">
                    {kindBadge(f.kind)}
                  </span>
                )}
                <span className="files-panel__text">
                  <a href={fileUrl(f.id)} download={f.name} className="files-panel__name">
                    <span data-testid="files-name">{f.name}</span>
                    <span className="visually-hidden"> {w('download')}</span>
                  </a>
                  <span className="muted small">
                    {size}・{w('sentBy', { name: sender, when: formatDateTime(f.createdAt, lang) })}
                  </span>
                </span>
                <button
                  type="button"
                  className="button button--small button--quiet"
                  onClick={() => {
                    onClose();
                    navigate(`/c/${conversationId}?at=${f.seq}`);
                  }}
                  data-testid="files-jump"
                >
                  {w('jump')}
                </button>
              </li>
            );
          })}
        </ul>
        {loading && <p className="muted">{w('loading')}</p>}
        <div className="dialog__actions">
          {hasMore && !loading && (
            <button type="button" className="button" onClick={() => void load(files.at(-1)?.id)} data-testid="files-more">
              {w('more')}
            </button>
          )}
          <button type="button" className="button button--primary" onClick={() => dialog.current?.close()} data-testid="files-close">
            {w('close')}
          </button>
        </div>
      </div>
    </dialog>
  );
}
