import { formatFileSize, kindBadge, kindOfName } from '../../files/format';
import { useI18n, type MessageKey } from '../../i18n/i18n';
import { removeUpload, retryUpload, type Upload } from './uploads';

/**
 * The files attached to a message being written or waiting to go: name, size, progress, and ×
 * (stops the upload, or removes the stored file from the message). A failed upload says why and
 * offers to try again. Shown in the composer and under a pending message.
 */
export function AttachmentChips({ uploads, label }: { uploads: readonly Upload[]; label: string }) {
  const { t, lang } = useI18n();
  if (uploads.length === 0) return null;
  return (
    <ul className="attachments" aria-label={label} data-testid="attachments">
      {uploads.map((u) => {
        const percent = u.size > 0 ? Math.min(100, Math.round((u.loaded / u.size) * 100)) : 100;
        return (
          <li key={u.id} className={`attachment attachment--${u.status}`} data-testid="attachment" data-status={u.status}>
            <span className={`file-badge file-badge--${u.file?.kind ?? kindOfName(u.name, u.type)}`} aria-hidden="true">
              {kindBadge(u.file?.kind ?? kindOfName(u.name, u.type))}
            </span>
            <span className="attachment__name" title={u.name}>
              {u.name}
            </span>
            <span className="attachment__size muted small">{formatFileSize(u.size, lang)}</span>
            {u.status === 'uploading' && (
              <progress className="attachment__progress" max={100} value={percent} aria-label={t('attach.progress', { name: u.name, n: percent })} />
            )}
            {u.status === 'stored' && <span className="visually-hidden">{t('attach.stored')}</span>}
            {u.status === 'failed' && (
              <>
                <span className="attachment__error error small" role="alert" data-testid="attachment-error">
                  {t('attach.failed', { reason: u.error?.code === 'payload_too_large' || u.error?.code === 'bad_request' ? u.error.message : t(`err.${u.error?.code ?? 'internal'}` as MessageKey) })}
                </span>
                {/* Trying again helps only when the server could not take it then, not when it refused the file. */}
                {!refusedForGood(u.error?.code) && (
                  <button type="button" className="button button--small" onClick={() => retryUpload(u.id)} data-testid="attachment-retry">
                    {t('attach.retry')}
                  </button>
                )}
              </>
            )}
            <button
              type="button"
              className="attachment__remove button button--small button--quiet"
              aria-label={u.status === 'uploading' ? t('attach.cancel', { name: u.name }) : t('attach.remove', { name: u.name })}
              title={u.status === 'uploading' ? t('attach.cancel', { name: u.name }) : t('attach.remove', { name: u.name })}
              onClick={() => removeUpload(u.id)}
              data-testid="attachment-remove"
            >
              ×
            </button>
          </li>
        );
      })}
    </ul>
  );
}

/** The server refused the file itself (its type, size, or the scan): the same upload would be refused again. */
function refusedForGood(code: string | undefined): boolean {
  return code === 'bad_request' || code === 'payload_too_large' || code === 'forbidden' || code === 'not_found';
}
