import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { ja, type MessageKey } from './ja';

export type Lang = 'ja' | 'en';
export type Translate = (key: MessageKey, params?: Record<string, string | number>) => string;

// Japanese comes with the first page; English is fetched the first time someone asks for it, so
// most people's first load does not carry a dictionary they never read.
// Japanese is filled in by parts: the first screen's strings here, a lazily loaded screen's when it
// loads (registerMessages, from ./ja-screens), to keep them out of the first load (the first-load budget).
const dictionaries: Partial<Record<Lang, Partial<Record<MessageKey, string>>>> = { ja: { ...ja } };

/** Adds a part of `lang`'s dictionary (a lazily loaded screen's strings), before that screen renders. */
export function registerMessages(lang: Lang, messages: Partial<Record<MessageKey, string>>): void {
  dictionaries[lang] = { ...dictionaries[lang], ...messages };
}

/** Makes `lang`'s dictionary available (at once for Japanese). */
export async function loadDictionary(lang: Lang): Promise<void> {
  if (lang === 'en' && !dictionaries.en) dictionaries.en = (await import('./en')).en;
}
// The language is a preference, not message content: it may live in localStorage.
const STORAGE_KEY = 'lang';

export function translate(lang: Lang, key: MessageKey, params?: Record<string, string | number>): string {
  return fillParams(dictionaries[lang]?.[key] ?? dictionaries.ja?.[key] ?? key, params);
}

/** `{name}` placeholders filled from `params`; unknown ones stay as they are. */
export function fillParams(text: string, params?: Record<string, string | number>): string {
  if (!params) return text;
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}

/**
 * The words of a lazily loaded screen (administration, reports), which carries its own Japanese and
 * English dictionaries instead of adding them to everyone's first load. The same function while the
 * language stays (charts depend on it).
 */
export function useScreenWords<K extends string>(jaWords: Record<K, string>, enWords: Record<K, string>): (key: K, params?: Record<string, string | number>) => string {
  const { lang } = useI18n();
  return useMemo(() => {
    const words = lang === 'en' ? enWords : jaWords;
    return (key: K, params?: Record<string, string | number>) => fillParams(words[key], params);
  }, [lang, jaWords, enWords]);
}

export function initialLang(): Lang {
  try {
    return localStorage.getItem(STORAGE_KEY) === 'en' ? 'en' : 'ja';
  } catch {
    return 'ja';
  }
}

interface I18n {
  lang: Lang;
  setLang: (lang: Lang) => void;
  t: Translate;
}

const I18nContext = createContext<I18n>({ lang: 'ja', setLang: () => {}, t: (key, params) => translate('ja', key, params) });

export function I18nProvider({ children }: { children: ReactNode }) {
  const [lang, setLangState] = useState<Lang>(initialLang);
  const setLang = useCallback((next: Lang) => {
    // Switch once the dictionary is here, so the screen never shows a mix of both languages.
    void loadDictionary(next).then(() => setLangState(next), () => {});
    try {
      localStorage.setItem(STORAGE_KEY, next);
    } catch {
      // Storage may be disabled on the terminal; the choice then lasts for this page only.
    }
  }, []);
  // The document title is the screens' business (the signed-in one shows the unread count).
  useEffect(() => {
    document.documentElement.lang = lang;
  }, [lang]);
  const value = useMemo<I18n>(() => ({ lang, setLang, t: (key, params) => translate(lang, key, params) }), [lang, setLang]);
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18n {
  return useContext(I18nContext);
}

export type { MessageKey };
