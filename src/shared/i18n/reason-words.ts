// A reason code (an error's detail.reason) in a language's words, from the one catalog; a
// bank's reason arrives as the bank spelled it ("not_open"), so it is looked up upper-cased too.
import type { Language } from '../contract';
import { REASON_WORDS_JA } from './reasons-ja';
import { REASON_WORDS_EN } from './reasons-en';

const WORDS: Record<Language, Readonly<Record<string, string>>> = { ja: REASON_WORDS_JA, en: REASON_WORDS_EN };

/** The words for `reason`, or undefined where the catalog has none (the code is shown alone). */
export function reasonWords(reason: string, lang: Language): string | undefined {
  const words = WORDS[lang];
  return Object.hasOwn(words, reason) ? words[reason] : Object.hasOwn(words, reason.toUpperCase()) ? words[reason.toUpperCase()] : undefined;
}
