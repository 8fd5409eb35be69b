import { useEffect, useId, useRef } from 'react';
import { keepOpenWhileConverting } from '../composer/keys';
import { useI18n } from '../i18n/i18n';
import { fileUrl, formatFileSize } from './format';
import { closeFileViewer, useViewing } from './viewer-store';
import { useFileWords } from './words';
import './files.css';

/**
 * The viewer (loaded the first time an image is opened): a modal dialog with the image at full
 * size (`GET /api/files/:id`, shown inline only for images), its name and size and a download
 * link. Escape or 閉じる closes it, and the focus goes back to the thumbnail that opened it.
 */
export function FileViewer() {
  const viewing = useViewing();
  const { lang } = useI18n();
  const w = useFileWords();
  const dialog = useRef<HTMLDialogElement>(null);
  const id = useId();
  useEffect(() => {
    const d = dialog.current;
    if (viewing && d && !d.open) d.showModal?.();
  }, [viewing]);
  if (!viewing) return null;
  const { file } = viewing;
  return (
    <dialog
      ref={dialog}
      className="dialog file-viewer"
      aria-labelledby={`${id}-name`}
      // Escape closes the dialog itself; once closed (the page no longer inert) the focus can go back.
      onClose={closeFileViewer}
      onKeyDown={keepOpenWhileConverting}
      data-testid="file-viewer"
    >
      <div className="dialog__body file-viewer__body">
        <h2 id={`${id}-name`} className="file-viewer__name">
          {file.name}
        </h2>
        <p className="muted small">{formatFileSize(file.size, lang)}</p>
        <div className="file-viewer__frame">
          <img src={fileUrl(file.id)} alt={file.name} {...(file.width && file.height ? { width: file.width, height: file.height } : {})} data-testid="file-viewer-image" />
        </div>
        <div className="dialog__actions">
        <a className="button" href={fileUrl(file.id)} download={file.name} data-testid="file-viewer-download">
          {w('download')}
        </a>
        <button type="button" className="button button--primary" onClick={() => dialog.current?.close()} autoFocus data-testid="file-viewer-close">
          {w('close')}
        </button>
        </div>
      </div>
    </dialog>
  );
}
