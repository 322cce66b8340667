// Human output of the command line, in the policy's language (Japanese by default).
import type { CheckId, ErrorCode, Language, Phase, StepId } from '../../shared/contract';

interface Catalog {
  phase: Record<Phase, string>;
  check: Record<CheckId, string>;
  step: Record<StepId, string>;
  error: Partial<Record<ErrorCode, string>> & { default: string };
  none: string;
  holder: string;
  fingerprint: string;
  expires: string;
  daysLeft: (n: number) => string;
  opensOn: string;
  graceEndsOn: string;
  key: (has: boolean) => string;
  notice: string;
  confirmRenew: (holder: string) => string;
  confirmAcquire: (id: string) => string;
  declined: string;
  passwordPrompt: string;
  done: string;
  closeBrowser: string;
  replaced: (removed: boolean) => string;
  passed: string;
  failed: string;
  recovered: (outcome: string) => string;
  /** An interrupted renewal waits: which, where it stopped, since when; `tried`: --recover ran and could not finish it. */
  unfinished: (operation: 'renew' | 'acquire', step: string, startedAt: string, tried: boolean) => string;
  detail: string;
}

const ja: Catalog = {
  phase: { valid: '有効', renewable: '更新できます', acquirable: '期限切れ（取得が必要）', reissue: '再発行が必要' },
  check: { policy: 'ポリシー', store: '証明書ストア', identity: '現在の証明書と秘密鍵', endpoint: '銀行の接続先', cacerts: '銀行のCA証明書', clock: 'PCの時計' },
  step: { generateKey: '鍵の生成', buildRequest: '証明書要求の作成', send: '銀行への送信', verify: '発行された証明書の検証', install: 'インストール', verifyInStore: 'ストアでの確認', removeOld: '古い証明書の削除' },
  error: {
    RENEWAL_NOT_OPEN: '更新期間はまだ始まっていません。',
    ACQUIRE_REQUIRED: '証明書の有効期限が切れています。ログインIDとパスワードで取得してください（certdesk acquire）。',
    REISSUE_REQUIRED: '取得できる期間を過ぎています。お取引店窓口へお申し出ください（再発行）。',
    AUTH_FAILED: 'ログインIDまたはパスワードが正しくありません。',
    NO_CERTIFICATE: 'この銀行の電子証明書がこのPCにありません。',
    KEY_MISSING: '証明書はありますが秘密鍵がありません。',
    NETWORK: '銀行に接続できません。ネットワークを確認してください。',
    TLS_UNTRUSTED: '接続先が銀行であることを確認できません。中止しました。',
    CLOCK_SKEW: 'PCの時計がずれています。時刻を合わせてください。',
    POLICY_INVALID: 'ポリシーが正しくありません。IT部門にお問い合わせください。',
    BUSY: '別の更新が実行中です。',
    CANCELLED: '中止しました。',
    INVALID_INPUT: '指定が正しくありません。',
    default: 'エラーが発生しました。',
  },
  none: 'この銀行の電子証明書はありません。',
  holder: '名義',
  fingerprint: 'フィンガープリント (SHA-256)',
  expires: '有効期限',
  daysLeft: (n) => (n >= 0 ? `残り ${n} 日` : `${-n} 日前に期限切れ`),
  opensOn: '更新開始日',
  graceEndsOn: '取得期限',
  key: (has) => (has ? '秘密鍵: あり' : '秘密鍵: なし'),
  notice: '電子証明書の更新をお願いします',
  confirmRenew: (h) => `「${h}」の電子証明書を更新します。新しい鍵を作り、銀行に送り、発行された証明書をインストールします。よろしいですか？ (はい=y / いいえ=n): `,
  confirmAcquire: (id) => `ログインID「${id}」で電子証明書を取得します。よろしいですか？ (はい=y / いいえ=n): `,
  declined: '何も変更していません。',
  passwordPrompt: 'パスワード: ',
  done: '電子証明書のインストールが完了しました',
  closeBrowser: 'ログインの前に、ブラウザをいったんすべて閉じてください。',
  replaced: (r) => (r ? '古い証明書は削除しました。' : '古い証明書は残しています。'),
  passed: 'OK',
  failed: '失敗',
  recovered: (o) => (o === 'resumed' ? '中断していた更新を完了しました。' : o === 'rolledBack' ? '中断していた更新を取り消しました（元の証明書のままです）。' : '中断していた更新は未完了です。'),
  unfinished: (op, step, at, tried) =>
    tried
      ? `中断していた${op === 'renew' ? '更新' : '取得'}（「${step}」の段階、${at} 開始）はまだ完了できません。しばらくしてから certdesk status --recover をもう一度実行してください。`
      : `中断した${op === 'renew' ? '更新' : '取得'}（「${step}」の段階、${at} 開始）が残っています。certdesk status --recover で完了させてください（certdesk ${op} でも完了します）。`,
  detail: '詳細',
};

const en: Catalog = {
  phase: { valid: 'valid', renewable: 'renewable now', acquirable: 'expired (obtain with acquire)', reissue: 'reissue at the branch' },
  check: { policy: 'Policy', store: 'Certificate store', identity: 'Current certificate and key', endpoint: "Bank's endpoint", cacerts: "Bank's CA certificates", clock: "PC's clock" },
  step: { generateKey: 'Generate key', buildRequest: 'Build request', send: 'Send to the bank', verify: 'Verify issued certificate', install: 'Install', verifyInStore: 'Verify in store', removeOld: 'Remove old certificate' },
  error: {
    RENEWAL_NOT_OPEN: 'Renewal is not open yet.',
    ACQUIRE_REQUIRED: 'The certificate has expired. Obtain a new one with your login ID and password (certdesk acquire).',
    REISSUE_REQUIRED: 'The time to obtain a new certificate online is over. Ask your branch to reissue it.',
    AUTH_FAILED: 'The login ID or password is wrong.',
    NO_CERTIFICATE: "No certificate of the bank is on this PC.",
    KEY_MISSING: 'The certificate is here but its private key is not.',
    NETWORK: 'The bank cannot be reached. Check the network.',
    TLS_UNTRUSTED: 'The server could not be confirmed as the bank. Stopped.',
    CLOCK_SKEW: "The PC's clock is wrong. Correct it.",
    POLICY_INVALID: 'The policy is invalid. Ask your IT department.',
    BUSY: 'Another renewal is running.',
    CANCELLED: 'Cancelled.',
    INVALID_INPUT: 'Invalid arguments.',
    default: 'An error occurred.',
  },
  none: 'No certificate of the bank is installed.',
  holder: 'Holder',
  fingerprint: 'Fingerprint (SHA-256)',
  expires: 'Expires',
  daysLeft: (n) => (n >= 0 ? `${n} days left` : `expired ${-n} days ago`),
  opensOn: 'Renewal opens',
  graceEndsOn: 'Acquire until',
  key: (has) => (has ? 'Private key: present' : 'Private key: MISSING'),
  notice: 'Please renew your certificate',
  confirmRenew: (h) => `Renew the certificate of "${h}": a new key is generated, sent to the bank, and the issued certificate installed. Continue? (y/n): `,
  confirmAcquire: (id) => `Obtain a certificate with login ID "${id}". Continue? (y/n): `,
  declined: 'Nothing was changed.',
  passwordPrompt: 'Password: ',
  done: 'The certificate is installed.',
  closeBrowser: 'Close all browser windows once before logging in again.',
  replaced: (r) => (r ? 'The old certificate was removed.' : 'The old certificate was kept.'),
  passed: 'OK',
  failed: 'FAILED',
  recovered: (o) => (o === 'resumed' ? 'An interrupted renewal was finished.' : o === 'rolledBack' ? 'An interrupted renewal was rolled back (the previous certificate stays).' : 'An interrupted renewal is still unfinished.'),
  unfinished: (op, step, at, tried) =>
    tried
      ? `The interrupted ${op === 'renew' ? 'renewal' : 'acquisition'} (stopped at "${step}", started ${at}) could not be finished yet. Run certdesk status --recover again later.`
      : `An interrupted ${op === 'renew' ? 'renewal' : 'acquisition'} (stopped at "${step}", started ${at}) is waiting. Finish it with certdesk status --recover (certdesk ${op} finishes it too).`,
  detail: 'Detail',
};

export const catalogs: Record<Language, Catalog> = { ja, en };
export type { Catalog };
