// Words both front ends use, in i18next's shape ({{name}} for a value): the window's catalogs
// (src/renderer/src/i18n) spread these tables in, and the command line and the diagnostics
// export read the same tables, so one fact has one wording everywhere. Pure data.
import type { CheckId, Language, StepId } from './contract';

/** Labels of a certificate's facts, in the order a helpdesk reads them. */
export const FACT_LABELS = {
  ja: {
    subject: 'サブジェクト（名義）',
    issuer: '発行者',
    serial: 'シリアル番号',
    notBefore: '有効期間の開始',
    notAfter: '有効期間の終了',
    sha256: 'SHA-256 フィンガープリント',
    sha1: 'SHA-1 拇印（Windows の表示）',
    key: '鍵',
    keyUsage: '鍵の用途',
    eku: '拡張鍵の用途',
    san: 'サブジェクト代替名',
    isCA: '発行元（認証局）の証明書',
    clientAuth: 'クライアント認証に使用可能',
    selfSigned: '自己署名',
    hasKey: '秘密鍵がある',
    chain: '証明書チェーンが揃っている',
  },
  en: {
    subject: 'Subject (holder)',
    issuer: 'Issuer',
    serial: 'Serial number',
    notBefore: 'Valid from',
    notAfter: 'Valid until',
    sha256: 'SHA-256 fingerprint',
    sha1: 'SHA-1 thumbprint (as Windows shows it)',
    key: 'Key',
    keyUsage: 'Key usage',
    eku: 'Extended key usage',
    san: 'Subject alternative names',
    isCA: 'CA certificate',
    clientAuth: 'Usable for client authentication',
    selfSigned: 'Self-signed',
    hasKey: 'Private key present',
    chain: 'Chain complete',
  },
} satisfies Record<Language, Record<string, string>>;
export type FactKey = keyof (typeof FACT_LABELS)['ja'];

/** The values of the facts that are not the certificate's own text. */
export const FACT_VALUES = {
  ja: { yes: 'はい', no: 'いいえ', unknown: '不明', none: 'なし', bits: '{{size}} ビット' },
  en: { yes: 'Yes', no: 'No', unknown: 'Unknown', none: 'None', bits: '{{size}}-bit' },
} satisfies Record<Language, Record<string, string>>;

/** RFC 5280's key usage bits in words (the names are what pki/certificate.ts reads). */
export const KEY_USAGE_WORDS: Record<Language, Record<string, string>> = {
  ja: {
    digitalSignature: 'デジタル署名',
    nonRepudiation: '否認防止',
    keyEncipherment: '鍵の暗号化',
    dataEncipherment: 'データの暗号化',
    keyAgreement: '鍵の共有',
    keyCertSign: '証明書への署名',
    cRLSign: '失効リストへの署名',
    encipherOnly: '暗号化のみ',
    decipherOnly: '復号のみ',
  },
  en: {
    digitalSignature: 'Digital signature',
    nonRepudiation: 'Non-repudiation',
    keyEncipherment: 'Key encipherment',
    dataEncipherment: 'Data encipherment',
    keyAgreement: 'Key agreement',
    keyCertSign: 'Certificate signing',
    cRLSign: 'CRL signing',
    encipherOnly: 'Encipher only',
    decipherOnly: 'Decipher only',
  },
};

/** Extended key usages in words (an OID without a name stays as its dotted OID). */
export const EKU_WORDS: Record<Language, Record<string, string>> = {
  ja: {
    clientAuth: 'クライアント認証（ログインに使う）',
    serverAuth: 'サーバー認証',
    codeSigning: 'コード署名',
    emailProtection: '電子メールの保護',
    timeStamping: 'タイムスタンプ',
    OCSPSigning: 'OCSP 応答への署名',
    anyExtendedKeyUsage: 'すべての用途',
  },
  en: {
    clientAuth: 'Client authentication (used to log in)',
    serverAuth: 'Server authentication',
    codeSigning: 'Code signing',
    emailProtection: 'E-mail protection',
    timeStamping: 'Time stamping',
    OCSPSigning: 'OCSP signing',
    anyExtendedKeyUsage: 'Any purpose',
  },
};

/** 更新前処理's checks, as the window's list and `certdesk doctor` name them. */
export const CHECK_WORDS: { readonly [L in Language]: { readonly [C in CheckId]: string } } = {
  ja: {
    policy: '設定の確認',
    store: '証明書の保存場所の確認',
    identity: '現在の証明書と秘密鍵の確認',
    endpoint: '銀行への接続',
    cacerts: '銀行の証明書の発行元の確認',
    clock: 'パソコンの時刻の確認',
  },
  en: {
    policy: 'Settings',
    store: 'Where certificates are kept',
    identity: 'Current certificate and private key',
    endpoint: 'Connection to the bank',
    cacerts: "The bank's certificate issuer",
    clock: "This PC's clock",
  },
};

/**
 * 電子証明書発行処理中's steps: the window shows five lines for the seven steps (sending is one
 * line, installing and checking the install another); the command line prints the same lines.
 */
export const STEP_WORDS: { readonly [L in Language]: { readonly [S in StepId]: string } } = {
  ja: {
    generateKey: '鍵の生成',
    buildRequest: '証明書要求の送信',
    send: '証明書要求の送信',
    verify: '証明書の受信と検証',
    install: 'インストール',
    verifyInStore: 'インストール',
    removeOld: '古い証明書の削除',
  },
  en: {
    generateKey: 'Generate key',
    buildRequest: 'Send certificate request',
    send: 'Send certificate request',
    verify: 'Receive and verify certificate',
    install: 'Install',
    verifyInStore: 'Install',
    removeOld: 'Remove old certificate',
  },
};

/**
 * Where the helpdesk is written when the policy names none: the bank's own documents. Without
 * a bank name (no policy could be read) the words say "your bank", never the product's name.
 */
export const SUPPORT_NONE: { readonly [L in Language]: string } = {
  ja: 'お問い合わせ先は、お取引の銀行の法人インターネットバンキングのご案内（ご利用ガイドやお申込み時の書類）に記載されています。',
  en: "Your bank's contact is in its corporate internet banking documents (the user guide or the papers from your application).",
};

/** i18next's {{name}} filled in, for the front ends that do not run i18next (the command line, the export). */
export function fill(template: string, values: Record<string, string | number>): string {
  return template.replace(/\{\{\s*(\w+)\s*\}\}/g, (whole, name: string) => (name in values ? String(values[name]) : whole));
}
