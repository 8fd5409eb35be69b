import type { FileInfo } from '../../../shared/schemas/files.js';
import { useI18n } from '../i18n/i18n';
import { fileUrl, formatFileSize, kindBadge, thumbnailBox, thumbnailUrl } from './format';
import { openFileViewer } from './viewer-store';
import { useFileWords } from './words';

/**
 * A message's files: images as thumbnails drawn at their final size (no jump when they arrive),
 * opening the viewer; other files as an icon, the name and the size, downloading on click. URLs
 * are the server's, checked for membership on every request (the session cookie goes along).
 */
export function MessageFiles({ files }: { files: readonly FileInfo[] }) {
  const { lang } = useI18n();
  const w = useFileWords();
  if (files.length === 0) return null;
  return (
    <ul className="msg-files" aria-label={w('files', { n: files.length })} data-testid="message-files">
      {files.map((f) => {
        const size = formatFileSize(f.size, lang);
        if (f.kind === 'image' && f.thumbnail) {
          const box = thumbnailBox(f.width, f.height);
          return (
            <li key={f.id} className="msg-file msg-file--image">
              <button
                type="button"
                className="msg-file__thumb"
                onClick={(e) => openFileViewer(f, e.currentTarget)}
                aria-label={w('open', { name: f.name })}
                data-testid="file-thumbnail"
                data-file-id={f.id}
              >
                <img src={thumbnailUrl(f.id)} width={box.width} height={box.height} alt={f.name} loading="lazy" decoding="async" />
              </button>
            </li>
          );
        }
        return (
          <li key={f.id} className="msg-file">
            <a href={fileUrl(f.id)} download={f.name} className="msg-file__link" data-testid="file-link" data-file-id={f.id}>
              <span className={`file-badge file-badge--${f.kind}`} aria-hidden="true">
                {kindBadge(f.kind)}
              </span>
              <span className="msg-file__name">{f.name}</span>
              <span className="msg-file__size muted small">{size}</span>
              {/* Said, not shown: the visible name and size stay the start of the link's name. */}
              <span className="visually-hidden">{w('download')}</span>
            </a>
          </li>
        );
      })}
    </ul>
  );
}
