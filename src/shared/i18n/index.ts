// The one catalog per language, and the one lookup every front end uses: the window runs it with
// react-i18next (src/renderer/src/i18n), the command line and the export through translator().
import i18next, { type TFunction } from 'i18next';
import type { Language } from '../contract';
import { ja } from './ja';
import { en } from './en';

export const RESOURCES = { ja: { translation: ja }, en: { translation: en } } as const;

/** i18next's options both front ends share (the window adds React's escaping of its own). */
export const I18N_OPTIONS = {
  resources: RESOURCES,
  fallbackLng: 'ja',
  interpolation: { escapeValue: false },
  initAsync: false,
} as const;

const translators: Partial<Record<Language, TFunction>> = {};

/** `t` for one language, on an instance of its own (the window's global one keeps its language). */
export function translator(lang: Language): TFunction {
  let t = translators[lang];
  if (!t) {
    const i = i18next.createInstance();
    void i.init({ ...I18N_OPTIONS, lng: lang });
    t = translators[lang] = i.t.bind(i) as TFunction;
  }
  return t;
}
