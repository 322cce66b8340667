// The words for a certificate's phase, one wording for the app and the command line (the
// app's screens chose them first). Pure data: no node, no DOM.
import type { Language } from './contract';
import type { Phase } from './domain';

export const PHASE_WORDS: { readonly [L in Language]: { readonly [P in Phase]: string } } = {
  ja: { valid: '有効', renewable: '更新期間中', acquirable: '有効期限切れ（取得可能）', reissue: '再発行が必要' },
  en: { valid: 'Valid', renewable: 'Renewal open', acquirable: 'Expired (can be obtained again)', reissue: 'Reissue required' },
};
