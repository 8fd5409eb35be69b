import { Fragment, memo, type ReactNode } from 'react';
import { useApp } from '../app/state';
import { splitMentions, type MentionCandidate } from './mentionText';

interface Props {
  body: string;
  /** The ids the message mentions (`Message.mentions`). */
  mentions?: readonly string[];
  /** The message mentions everyone (@全員). */
  mentionsAll?: boolean;
}

/**
 * Links: http and https only, absolute, without spaces; trailing punctuation (。、」) stays text.
 * Nothing is fetched for them (no previews: the office network has no internet).
 */
const LINK = /\bhttps?:\/\/[^\s<>"'「」『』（）()、。，．]+/giu;
const TRAILING = /[.,!?;:]+$/u;

/**
 * A message body as React text (never HTML): http/https links open in a new tab with
 * rel="noopener noreferrer", and mentions of the people in `mentions` (as `@<name>`, or
 * `@<loginId>` from older clients) and @全員 are highlighted — more strongly when they are me.
 * Line breaks are kept by the bubble's `white-space: pre-wrap`.
 */
export const MessageBody = memo(function MessageBody({ body, mentions, mentionsAll }: Props) {
  const users = useApp((s) => s.users);
  const meId = useApp((s) => s.me?.id);
  const people: MentionCandidate[] = [];
  for (const id of mentions ?? []) {
    const user = users[id];
    if (!user) continue;
    people.push({ id, label: user.name });
    // Names are often written without the space between family and given name.
    if (user.name.includes(' ')) people.push({ id, label: user.name.replace(/\s+/g, '') });
    people.push({ id, label: user.loginId });
  }
  const parts = people.length || mentionsAll ? splitMentions(body, people, Boolean(mentionsAll)) : [{ kind: 'text' as const, text: body }];
  return (
    <>
      {parts.map((part, i) => {
        if (part.kind === 'text') return <Fragment key={i}>{linkify(part.text)}</Fragment>;
        const me = part.kind === 'all' || part.id === meId;
        return (
          <span key={i} className={`mention${me ? ' mention--me' : ''}`} data-testid="mention" data-user-id={part.kind === 'mention' ? part.id : 'all'}>
            {part.text}
          </span>
        );
      })}
    </>
  );
});

/** Plain text with its http/https links as anchors. */
export function linkify(text: string): ReactNode[] {
  const out: ReactNode[] = [];
  let last = 0;
  for (const match of text.matchAll(LINK)) {
    const url = match[0].replace(TRAILING, '');
    const at = match.index;
    if (!isWebLink(url)) continue;
    if (at > last) out.push(text.slice(last, at));
    out.push(
      <a key={at} href={url} target="_blank" rel="noopener noreferrer" className="msg__link" data-testid="message-link">
        {url}
      </a>,
    );
    last = at + url.length;
  }
  if (last < text.length) out.push(text.slice(last));
  return out;
}

function isWebLink(url: string): boolean {
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'http:' || parsed.protocol === 'https:';
  } catch {
    return false;
  }
}
