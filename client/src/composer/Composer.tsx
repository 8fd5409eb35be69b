import { lazy, Suspense, useEffect, useId, useLayoutEffect, useMemo, useRef, useState, type FormEvent, type KeyboardEvent, type ReactNode } from 'react';
import { MAX_BODY_CHARS, MAX_FILES_PER_MESSAGE } from '../../../shared/constants.js';
import type { User } from '../../../shared/schemas/auth.js';
import { useApp } from '../app/state';
import { activeMentionQuery, MENTION_ALL_MAX_MEMBERS, mentionsIn, type MentionCandidate } from '../conversations/mentionText';
import { matchesPerson, normalizeSearch, sortByKana } from '../directory/people';
import { useI18n } from '../i18n/i18n';
import { api, ApiError } from '../net/api';
import { isImeKey, isSendKey } from './keys';
import type { MentionChoice } from './MentionPicker';
import { sendMessage, type SendExtras } from './outbox';

/**
 * The chips of attached files come with the history's chunk (pending messages show them too),
 * which is fetched at start-up: not in the first load (the first-load budget).
 */
const AttachmentChips = lazy(() => import('./attachments/AttachmentChips').then((m) => ({ default: m.AttachmentChips })));
/** The @ picker's list loads the first time someone types @ (most messages mention no one). */
const MentionPicker = lazy(() => import('./MentionPicker').then((m) => ({ default: m.MentionPicker })));
import { TypingNotifier } from './typing';
import { clearDraft, clearDrafts as clearTextDrafts, flushDraft, loadDraft, peekDraft, saveDraft } from './drafts';
import { filesOf, pastedName, pasteIsFiles } from './attachments/pick';
import { attachFiles, clearUploads, takeComposerUploads, useComposingIds, useMaxFileBytes, useRefusals, useUploads } from './attachments/uploads';
import { formatFileSize } from '../files/format';

/**
 * Sign-out: unsent text (kept on the server, drafts.ts, never in browser storage) and attached
 * files (uploads under way stop) are forgotten here.
 */
export function clearDrafts(): void {
  clearTextDrafts();
  clearUploads();
}

/** At most this many people in the picker at once (members first, then outsiders). */
const PICKER_MEMBERS = 8;
const PICKER_OUTSIDERS = 5;

interface Props {
  conversationId: string;
  onSent?: () => void;
  /** Replaces the real send (component tests). */
  send?: (conversationId: string, body: string, extras?: SendExtras) => void;
  /** Shown above the input: the message being answered (返信). */
  quote?: ReactNode;
  /** Sent along with the next message (replyToId, ackRequested); the caller clears them in onSent. */
  sendExtras?: SendExtras;
  /** Shown beside the send button (the 確認依頼 toggle). */
  tools?: ReactNode;
}

export function Composer({ conversationId, onSent, send = sendMessage, quote, sendExtras, tools }: Props) {
  const { t, lang } = useI18n();
  const fileInput = useRef<HTMLInputElement>(null);
  const attachedIds = useComposingIds(conversationId);
  const attached = useUploads(attachedIds);
  const refusals = useRefusals(conversationId);
  const maxFileBytes = useMaxFileBytes();
  const [text, setText] = useState(() => peekDraft(conversationId) ?? '');
  const composing = useRef(false);
  const typed = useRef(false);
  const input = useRef<HTMLTextAreaElement>(null);
  const typing = useMemo(() => new TypingNotifier(conversationId), [conversationId]);
  const conversation = useApp((s) => s.conversations[conversationId]);
  const users = useApp((s) => s.users);
  const me = useApp((s) => s.me);
  const pickerId = useId();
  /** The @-query before the caret, updated only outside IME composition. */
  const [picker, setPicker] = useState<{ start: number; end: number; query: string } | null>(null);
  const [active, setActive] = useState(0);
  /** Someone outside the conversation was chosen: offer to add them first. */
  const [offer, setOffer] = useState<{ user: User; start: number; end: number } | null>(null);
  const [offerState, setOfferState] = useState<{ busy: boolean; error: string }>({ busy: false, error: '' });
  /** People added from the offer here, before the conversation's new member list arrives. */
  const [added, setAdded] = useState<ReadonlySet<string>>(() => new Set());
  const [composerError, setComposerError] = useState('');
  /** Where the caret goes once an inserted mention is on screen (set in the same commit, before the next key). */
  const pendingCaret = useRef<number | null>(null);

  const memberIds = useMemo(() => new Set([...(conversation?.memberIds ?? []), ...added]), [conversation?.memberIds, added]);
  const mayMentionAll =
    me?.role === 'supervisor' || me?.role === 'admin' || (conversation?.memberIds.length ?? 0) <= MENTION_ALL_MAX_MEMBERS;
  const choices = useMemo(() => (picker ? pickerChoices(picker.query) : []), [picker, users, memberIds, mayMentionAll]); // eslint-disable-line react-hooks/exhaustive-deps

  useEffect(() => () => typing.stop(), [typing]);
  // The stored draft (perhaps typed on another terminal), unless the person already typed here.
  useEffect(() => {
    let live = true;
    loadDraft(conversationId)
      .then((body) => live && !typed.current && setText(body))
      .catch(() => undefined);
    return () => {
      live = false;
      void flushDraft(conversationId);
    };
  }, [conversationId]);
  useEffect(() => {
    input.current?.focus();
  }, [conversationId]);
  // After a mention is inserted, the caret goes after it in the same commit: keys typed right
  // after the choice land after the mention, never at a caret moved back a frame later.
  useLayoutEffect(() => {
    const caret = pendingCaret.current;
    if (caret === null || !input.current) return;
    pendingCaret.current = null;
    input.current.focus();
    input.current.setSelectionRange(caret, caret);
  });

  const trimmed = text.trim();
  const length = [...trimmed].length;
  const tooLong = length > MAX_BODY_CHARS;
  /** Text, files, or both: a message may be files alone. */
  const sendable = (Boolean(trimmed) || attached.length > 0) && !tooLong;

  /** Members (not me) matching the query by name, kana reading or login id, kana-insensitive; then @全員; then outsiders. */
  function pickerChoices(query: string): MentionChoice[] {
    const matching = (u: User) => !u.disabled && matchesPerson(u, query);
    const members = sortByKana([...memberIds].map((id) => users[id]).filter((u): u is User => Boolean(u) && u!.id !== me?.id && matching(u!)));
    const out: MentionChoice[] = members.slice(0, PICKER_MEMBERS).map((user) => ({ kind: 'member', user }));
    const q = normalizeSearch(query);
    if (mayMentionAll && conversation?.kind !== 'dm' && ['ぜんいん', '全員', 'all', 'みんな'].some((w) => w.startsWith(q))) out.push({ kind: 'all' });
    // Outsiders only once something is typed, and only where members can be added.
    if (q && (conversation?.kind === 'group' || conversation?.kind === 'channel')) {
      const outsiders = sortByKana(Object.values(users).filter((u) => !memberIds.has(u.id) && matching(u)));
      for (const user of outsiders.slice(0, PICKER_OUTSIDERS)) out.push({ kind: 'outsider', user });
    }
    return out;
  }

  /** Open, move or close the picker after the text or the caret changed — never mid-conversion. */
  function refreshPicker(value: string, caret: number | null) {
    if (composing.current) return;
    const found = caret === null ? null : activeMentionQuery(value, caret);
    if (!found) return setPicker(null);
    if (picker && picker.start === found.start && picker.query === found.query) return;
    setActive(0);
    setPicker({ start: found.start, end: caret!, query: found.query });
  }

  /** Replace the @-query with the chosen mention and put the caret after it. */
  function insertMention(start: number, end: number, label: string) {
    const value = input.current?.value ?? text;
    const inserted = `@${label} `;
    const next = value.slice(0, start) + inserted + value.slice(end);
    update(next);
    setPicker(null);
    pendingCaret.current = start + inserted.length;
  }

  function choose(choice: MentionChoice) {
    if (!picker) return;
    if (choice.kind === 'member') insertMention(picker.start, picker.end, choice.user.name);
    else if (choice.kind === 'all') insertMention(picker.start, picker.end, '全員');
    else {
      setOffer({ user: choice.user, start: picker.start, end: picker.end });
      setOfferState({ busy: false, error: '' });
      setPicker(null);
    }
  }

  /** Add the outsider to the conversation (POST …/members), then mention them. */
  async function acceptOffer() {
    if (!offer) return;
    setOfferState({ busy: true, error: '' });
    try {
      await api.post(`/api/conversations/${conversationId}/members`, { userIds: [offer.user.id] });
      setAdded((old) => new Set([...old, offer.user.id]));
      insertMention(offer.start, offer.end, offer.user.name);
      setOffer(null);
      setOfferState({ busy: false, error: '' });
    } catch (e) {
      const reason = e instanceof ApiError ? (e.status === 404 && e.code === 'not_found' ? t('mention.addUnavailable') : t(`err.${e.code}`)) : t('err.internal');
      setOfferState({ busy: false, error: t('mention.addFailed', { name: offer.user.name, reason }) });
    }
  }

  function update(value: string) {
    setText(value);
    typed.current = true;
    saveDraft(conversationId, value);
    setComposerError('');
    if (value.trim()) typing.input();
  }

  function submit() {
    // Mid-conversion the text is not what the person means to send (送信 clicked, Ctrl+Enter).
    if (composing.current) return;
    if (!sendable) return;
    // Mentions are the members whose `@<name>` the text holds (the picker wrote them), as ids.
    const people: MentionCandidate[] = [];
    for (const id of memberIds) {
      const user = users[id];
      if (!user) continue;
      people.push({ id, label: user.name });
      if (user.name.includes(' ')) people.push({ id, label: user.name.replace(/\s+/g, '') });
    }
    const { mentions, mentionsAll } = mentionsIn(trimmed, people);
    if (mentionsAll && !mayMentionAll) {
      setComposerError(t('mention.allNotAllowed', { max: MENTION_ALL_MAX_MEMBERS }));
      return;
    }
    // Without mentions nothing about them is sent (the server then reads `@loginId` typed by hand).
    const extras: SendExtras = {
      ...(sendExtras?.replyToId ? { replyToId: sendExtras.replyToId } : {}),
      ...(sendExtras?.ackRequested ? { ackRequested: true } : {}),
      ...(mentions.length ? { mentions } : {}),
      ...(mentionsAll ? { mentionsAll: true } : {}),
    };
    // The files go with the message; it waits in the outbox until they are all stored.
    const uploadIds = takeComposerUploads(conversationId);
    if (uploadIds.length) extras.uploadIds = uploadIds;
    if (Object.keys(extras).length > 0) send(conversationId, trimmed, extras);
    else send(conversationId, trimmed);
    update('');
    clearDraft(conversationId);
    setPicker(null);
    typing.stop();
    onSent?.();
  }

  function onKeyDown(e: KeyboardEvent<HTMLTextAreaElement>) {
    // Keys meant for the IME (converting, confirming, cancelling) never drive the picker.
    const forIme = isImeKey({ isComposing: e.nativeEvent.isComposing, keyCode: e.keyCode }) || composing.current;
    if (picker && !forIme) {
      if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
        e.preventDefault();
        const n = choices.length;
        if (n) setActive((i) => (i + (e.key === 'ArrowDown' ? 1 : n - 1)) % n);
        return;
      }
      if ((e.key === 'Enter' || e.key === 'Tab') && !e.shiftKey && choices[active]) {
        e.preventDefault();
        choose(choices[active]!);
        return;
      }
      if (e.key === 'Escape') {
        // Closes the picker only, not a dialog around the composer.
        e.preventDefault();
        e.stopPropagation();
        setPicker(null);
        return;
      }
    }
    if (e.key !== 'Enter') return;
    if (isSendKey({ key: e.key, shiftKey: e.shiftKey, altKey: e.altKey, isComposing: e.nativeEvent.isComposing, keyCode: e.keyCode }, composing.current)) {
      e.preventDefault();
      submit();
    }
  }

  return (
    <form
      className="composer"
      onSubmit={(e: FormEvent) => {
        e.preventDefault();
        submit();
      }}
    >
      {quote}
      <label className="visually-hidden" htmlFor="composer-input">
        {t('composer.label')}
      </label>
      <textarea
        id="composer-input"
        ref={input}
        className="composer__input"
        rows={2}
        value={text}
        placeholder={t('composer.placeholder')}
        onChange={(e) => {
          update(e.target.value);
          refreshPicker(e.target.value, e.target.selectionStart);
        }}
        onSelect={(e) => refreshPicker(e.currentTarget.value, e.currentTarget.selectionStart)}
        onKeyDown={onKeyDown}
        onCompositionStart={() => {
          composing.current = true;
        }}
        onCompositionEnd={(e) => {
          composing.current = false;
          // The conversion is committed: now the @-query may be read.
          refreshPicker(e.currentTarget.value, e.currentTarget.selectionStart);
        }}
        onBlur={() => {
          typing.stop();
          setPicker(null);
        }}
        onPaste={(e) => {
          // A screenshot pasted: attach it (text pastes as text, even with a picture beside it).
          if (!pasteIsFiles(e.clipboardData)) return;
          e.preventDefault();
          attachFiles(
            conversationId,
            filesOf(e.clipboardData).map((file) => ({ file, name: pastedName(file.name, file.type, lang) })),
          );
        }}
        aria-autocomplete="list"
        aria-controls={picker ? pickerId : undefined}
        aria-activedescendant={picker && choices[active] ? `${pickerId}-${active}` : undefined}
        aria-invalid={tooLong || undefined}
        aria-describedby={tooLong ? 'composer-error' : composerError ? 'composer-mention-error' : undefined}
        data-testid="composer-input"
      />
      <input
        ref={fileInput}
        type="file"
        multiple
        hidden
        tabIndex={-1}
        aria-label={t('attach.button')}
        onChange={(e) => {
          const files = [...(e.target.files ?? [])];
          e.target.value = ''; // the same file may be chosen again later
          attachFiles(conversationId, files.map((file) => ({ file, name: file.name })));
          input.current?.focus();
        }}
        data-testid="file-input"
      />
      <div className="composer__row">
        <button
          type="button"
          className="button button--quiet button--small composer__attach"
          title={t('attach.hint', { max: formatFileSize(maxFileBytes, lang) })}
          onClick={() => fileInput.current?.click()}
          data-testid="attach-button"
        >
          <svg aria-hidden="true" width="14" height="14" viewBox="0 0 16 16" fill="none" stroke="currentColor" strokeWidth="1.6" strokeLinecap="round">
            <path d="M13.5 7.5 8 13a3.5 3.5 0 0 1-5-5l6-6a2.3 2.3 0 0 1 3.3 3.3L6.6 11a1.2 1.2 0 0 1-1.7-1.7L10 4.2" />
          </svg>{' '}
          {t('attach.button')}
        </button>
        {tools}
      </div>
      <button
        type="submit"
        className="button button--primary composer__send"
        disabled={!sendable}
        // Pressing it must not take the focus: the blur would end an IME conversion and commit
        // its unconverted text, which the click would then send. The input keeps the focus.
        onMouseDown={(e) => e.preventDefault()}
        data-testid="composer-send"
      >
        {t('composer.send')}
      </button>
      {picker && (
        <Suspense fallback={null}>
          <MentionPicker id={pickerId} choices={choices} active={active} onChoose={choose} />
        </Suspense>
      )}
      {offer && (
        <div className="mention-offer" role="alertdialog" aria-labelledby={`${pickerId}-offer`} data-testid="mention-offer">
          <p id={`${pickerId}-offer`} className="small">
            {t('mention.addOffer', { name: offer.user.name })}
          </p>
          {offerState.error && (
            <p className="error small" role="alert" data-testid="mention-offer-error">
              {offerState.error}
            </p>
          )}
          <div className="inline">
            <button type="button" className="button button--small button--primary" disabled={offerState.busy} onClick={() => void acceptOffer()} data-testid="mention-offer-add">
              {offerState.busy ? t('mention.adding') : t('mention.add')}
            </button>
            <button
              type="button"
              className="button button--small button--quiet"
              onClick={() => {
                setOffer(null);
                input.current?.focus();
              }}
            >
              {t('mention.cancel')}
            </button>
          </div>
        </div>
      )}
      {attached.length > 0 && (
        <Suspense fallback={null}>
          <AttachmentChips uploads={attached} label={t('attach.list')} />
        </Suspense>
      )}
      {refusals.length > 0 && (
        <p className="error composer__error" role="alert" data-testid="attachment-refused">
          {refusals
            .map((r) =>
              r.reason === 'tooLarge'
                ? t('attach.tooLarge', { name: r.name, size: formatFileSize(r.size, lang), max: formatFileSize(maxFileBytes, lang) })
                : t('attach.tooMany', { name: r.name, max: MAX_FILES_PER_MESSAGE }),
            )
            .join(' ')}
        </p>
      )}
      {composerError && (
        <p id="composer-mention-error" className="error composer__error" role="alert" data-testid="composer-mention-error">
          {composerError}
        </p>
      )}
      {tooLong && (
        <p id="composer-error" className="error composer__error" role="alert">
          {t('composer.tooLong', { max: MAX_BODY_CHARS.toLocaleString(), n: length.toLocaleString() })}
        </p>
      )}
    </form>
  );
}
