// i18next with the two catalogs bundled: no network, no backend (CSP: connect-src 'none').
import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import type { Language } from '../../../shared/contract';
import { ja } from './ja';
import { en } from './en';

export const LANGUAGES: readonly Language[] = ['ja', 'en'];

void i18next.use(initReactI18next).init({
  resources: { ja: { translation: ja }, en: { translation: en } },
  lng: 'ja',
  fallbackLng: 'ja',
  interpolation: { escapeValue: false }, // React escapes
  initAsync: false,
});

export function setLanguage(lang: Language): void {
  void i18next.changeLanguage(lang);
  document.documentElement.lang = lang;
}

export { i18next };
