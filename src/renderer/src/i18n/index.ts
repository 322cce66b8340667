// i18next with the two catalogs bundled: no network, no backend (CSP: connect-src 'none'). The
// catalogs and the options are src/shared/i18n's, which the command line reads too.
import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import type { Language } from '../../../shared/contract';
import { I18N_OPTIONS } from '../../../shared/i18n';

export const LANGUAGES: readonly Language[] = ['ja', 'en'];

void i18next.use(initReactI18next).init({
  ...I18N_OPTIONS,
  lng: 'ja',
  interpolation: { escapeValue: false }, // React escapes
});

export function setLanguage(lang: Language): void {
  void i18next.changeLanguage(lang);
  document.documentElement.lang = lang;
}

export { i18next };
// The error texts live in src/shared (the command line and the export use them too).
export type { ErrorCatalog, ErrorTexts } from '../../../shared/error-texts';
