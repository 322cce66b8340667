// What the bank's /csrattrs asked the request to contain and what CertDesk did with it, as codes
// with parameters (the core's est/csrattrs.ts makes them), and their words in both languages for
// the window's request details, `certdesk doctor` and the diagnostics export. Pure data.
import type { Language, RequestNote } from './contract';

export type { RequestNote };

/** The core's key type names (policy KeyType) as they are written for people; an unknown one as it came. */
const KEY_NAMES: Record<string, string> = { ecdsaP256: 'ECDSA P-256', rsa2048: 'RSA 2048', rsa3072: 'RSA 3072' };
export const keyTypeName = (keyType: string): string => KEY_NAMES[keyType] ?? keyType;

type Words = { readonly [C in RequestNote['code']]: (n: Extract<RequestNote, { code: C }>) => string };

const WORDS: { readonly [L in Language]: Words } = {
  ja: {
    KEY_TYPE: (n) => `鍵の種類 ${keyTypeName(n.keyType)}${n.policyDefault ? '（会社の設定が既定のままのため、銀行の指定に従います）' : ''}`,
    HASH: (n) => `署名の方式 ${n.hash}`,
    EXTENSION: (n) => (n.extension === 'keyUsage' ? '鍵の用途（デジタル署名）を申請に含める' : '拡張鍵の用途（クライアント認証）を申請に含める'),
    KEY_TYPE_SET_BY_POLICY: (n) => `鍵の種類 ${keyTypeName(n.asked)}: 会社の設定で ${keyTypeName(n.policy)} と決められているため、そちらを使います`,
    CHALLENGE_PASSWORD: () => 'challengePassword: パスワードは申請に入れません（取得のときに、安全な接続の中でだけ送ります）',
    HASH_UNSUPPORTED: (n) => `${n.name}: CertDesk の署名の方式は SHA-256 または SHA-384 です`,
    NOT_ADDED: (n) => `${n.name}: CertDesk は申請に含めません`,
    EC_CURVE: (n) => `楕円曲線 ${n.curve}: CertDesk が作る楕円曲線の鍵は P-256 だけです`,
    RSA_SIZE: (n) => `RSA ${n.bits} ビット: CertDesk が作る RSA の鍵は 2048 または 3072 ビットです`,
    EXTENSION_UNKNOWN: (n) => `拡張 ${n.names}: CertDesk では申請に入れられません`,
    CSRATTRS_UNREADABLE: (n) => `銀行の指定（csrattrs）を読み取れませんでした（${n.error}）: 会社の設定どおりに申請します`,
  },
  en: {
    KEY_TYPE: (n) => `key type ${keyTypeName(n.keyType)}${n.policyDefault ? " (your company's setting leaves it at its default, so the bank's choice is used)" : ''}`,
    HASH: (n) => `signature hash ${n.hash}`,
    EXTENSION: (n) => (n.extension === 'keyUsage' ? 'key usage (digital signature) in the request' : 'extended key usage (client authentication) in the request'),
    KEY_TYPE_SET_BY_POLICY: (n) => `key type ${keyTypeName(n.asked)}: your company's setting fixes ${keyTypeName(n.policy)}, which is used`,
    CHALLENGE_PASSWORD: () => 'challengePassword: no password goes into the request (取得 sends it only inside the secure connection)',
    HASH_UNSUPPORTED: (n) => `${n.name}: CertDesk signs with SHA-256 or SHA-384`,
    NOT_ADDED: (n) => `${n.name}: CertDesk does not add it to the request`,
    EC_CURVE: (n) => `elliptic curve ${n.curve}: CertDesk makes P-256 keys only`,
    RSA_SIZE: (n) => `RSA of ${n.bits} bits: CertDesk makes 2048- or 3072-bit RSA keys`,
    EXTENSION_UNKNOWN: (n) => `extension ${n.names}: CertDesk cannot fill it in`,
    CSRATTRS_UNREADABLE: (n) => `the bank's csrattrs could not be read (${n.error}): the request follows your company's settings`,
  },
};

export function requestNoteText(note: RequestNote, lang: Language): string {
  return (WORDS[lang][note.code] as (n: RequestNote) => string)(note);
}
