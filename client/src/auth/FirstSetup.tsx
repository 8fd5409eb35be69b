import { useState, type FormEvent } from 'react';
import { useI18n } from '../i18n/i18n';
import { ApiError } from '../net/api';
import { LanguageSelect } from '../app/LanguageSelect';
import { completeFirstSetup } from './session';

// Shown once in an installation's life, so its words travel with this lazily loaded screen rather
// than in everyone's first-load dictionary.
const words = {
  ja: {
    heading: '初回設定',
    lead: 'まだ管理者がいません。サーバーの起動時に表示された設定コードを入力し、最初の管理者を作成してください。',
    code: '設定コード',
    codeHint: 'サーバーを起動した端末に表示されています（例: ABCD-EFGH-JKLM）',
    name: '氏名',
    nameKana: 'ふりがな',
    loginId: 'ログインID',
    password: 'パスワード（8文字以上）',
    confirm: 'パスワード（確認）',
    mismatch: 'パスワードが一致しません。',
    submit: '管理者を作成してサインイン',
    submitting: '作成しています…',
    wrongCode: '設定コードが違います。サーバーの起動時に表示されたコードを入力してください。',
    done: '設定はすでに完了しています。管理者としてサインインしてください。',
    limited: '試行回数が多すぎます。しばらく待ってからやり直してください。',
    failed: '作成できませんでした: ',
  },
  en: {
    heading: 'First-time setup',
    lead: 'There is no admin yet. Enter the setup code the server printed when it started, and create the first admin.',
    code: 'Setup code',
    codeHint: 'Printed on the terminal where the server was started (e.g. ABCD-EFGH-JKLM)',
    name: 'Name',
    nameKana: 'Reading (kana)',
    loginId: 'Login ID',
    password: 'Password (8 characters or more)',
    confirm: 'Password (again)',
    mismatch: 'The passwords differ.',
    submit: 'Create the admin and sign in',
    submitting: 'Creating…',
    wrongCode: 'The setup code is wrong. Enter the code the server printed at start.',
    done: 'Setup is already done. Sign in as an admin.',
    limited: 'Too many attempts. Wait a while and try again.',
    failed: 'Could not create the admin: ',
  },
} as const;

/** The first visit to a new installation: the printed code creates the first admin. */
export function FirstSetup({ onDone }: { onDone: () => void }) {
  const { lang } = useI18n();
  const w = words[lang];
  const [form, setForm] = useState({ code: '', name: '', nameKana: '', loginId: '', password: '', confirm: '' });
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const field = (key: keyof typeof form) => ({
    id: `setup-${key}`,
    className: 'input',
    value: form[key],
    onChange: (e: { target: { value: string } }) => setForm((f) => ({ ...f, [key]: e.target.value })),
    'data-testid': `setup-${key}`,
    required: true,
  });

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (form.password !== form.confirm) return setError(w.mismatch);
    setBusy(true);
    setError('');
    try {
      const { confirm: _confirm, ...body } = form;
      await completeFirstSetup({ ...body, loginId: body.loginId.trim() });
    } catch (err) {
      const code = err instanceof ApiError ? err.code : 'internal';
      if (code === 'conflict') onDone();
      setError(code === 'forbidden' ? w.wrongCode : code === 'conflict' ? w.done : code === 'rate_limited' ? w.limited : w.failed + (err as Error).message);
      setBusy(false);
    }
  }

  return (
    <main className="signin" id="main">
      <form className="signin__card" onSubmit={submit} aria-labelledby="setup-heading" data-testid="setup-form">
        <h1 id="setup-heading">{w.heading}</h1>
        <p className="muted">{w.lead}</p>
        <div className="field">
          <label htmlFor="setup-code">{w.code}</label>
          <input {...field('code')} autoComplete="off" autoCapitalize="characters" spellCheck={false} aria-describedby="setup-code-hint" autoFocus />
          <p className="muted" id="setup-code-hint">
            {w.codeHint}
          </p>
        </div>
        <div className="field">
          <label htmlFor="setup-name">{w.name}</label>
          <input {...field('name')} autoComplete="name" />
        </div>
        <div className="field">
          <label htmlFor="setup-nameKana">{w.nameKana}</label>
          <input {...field('nameKana')} autoComplete="off" />
        </div>
        <div className="field">
          <label htmlFor="setup-loginId">{w.loginId}</label>
          <input {...field('loginId')} autoComplete="username" autoCapitalize="off" spellCheck={false} />
        </div>
        <div className="field">
          <label htmlFor="setup-password">{w.password}</label>
          <input {...field('password')} type="password" autoComplete="new-password" minLength={8} />
        </div>
        <div className="field">
          <label htmlFor="setup-confirm">{w.confirm}</label>
          <input {...field('confirm')} type="password" autoComplete="new-password" minLength={8} />
        </div>
        {error && (
          <p className="error" role="alert" data-testid="setup-error">
            {error}
          </p>
        )}
        <button type="submit" className="button button--primary button--block" disabled={busy} data-testid="setup-submit">
          {busy ? w.submitting : w.submit}
        </button>
        <div className="signin__lang">
          <LanguageSelect />
        </div>
      </form>
    </main>
  );
}
