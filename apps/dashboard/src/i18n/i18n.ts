import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import { languageFromBrowser, type Language } from '../format/jst';
import { en } from './en';
import { ja } from './ja';

const STORED = 'acd.language';

export function initialLanguage(): Language {
  try {
    const stored = globalThis.localStorage?.getItem(STORED);
    if (stored === 'ja' || stored === 'en') return stored;
  } catch {
    // storage blocked: follow the browser
  }
  return languageFromBrowser(
    globalThis.navigator?.languages ?? [globalThis.navigator?.language ?? 'en'],
  );
}

/** Keeps <html lang> and the title in the language, so screen readers and axe agree. */
function applyToDocument(language: string): void {
  document.documentElement.lang = language;
  document.title = i18next.t('app.title');
}

export async function setupI18n(): Promise<typeof i18next> {
  await i18next.use(initReactI18next).init({
    resources: { en: { translation: en }, ja: { translation: ja } },
    lng: initialLanguage(),
    fallbackLng: 'en',
    interpolation: { escapeValue: false },
    returnNull: false,
  });
  applyToDocument(i18next.language);
  i18next.on('languageChanged', (l) => {
    applyToDocument(l);
    try {
      globalThis.localStorage?.setItem(STORED, l);
    } catch {
      // not remembered; the choice holds for this page
    }
  });
  return i18next;
}
