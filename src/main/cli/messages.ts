// Human output of the command line, in the policy's language (Japanese by default). Every
// error code has its words in both languages: a code without them does not compile.
import type { CheckId, ErrorCode, Language, Phase, StepId } from '../../shared/contract';
import { PHASE_WORDS } from '../../shared/phase-words';

interface Catalog {
  phase: { readonly [P in Phase]: string };
  check: Record<CheckId, string>;
  step: Record<StepId, string>;
  error: { readonly [C in ErrorCode]: string };
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
  phase: PHASE_WORDS.ja,
  check: { policy: 'ポリシー', store: '証明書ストア', identity: '現在の証明書と秘密鍵', endpoint: '銀行の接続先', cacerts: '銀行のCA証明書', clock: 'PCの時計' },
  step: { generateKey: '鍵の生成', buildRequest: '証明書要求の作成', send: '銀行への送信', verify: '発行された証明書の検証', install: 'インストール', verifyInStore: 'ストアでの確認', removeOld: '古い証明書の削除' },
  error: {
    RENEWAL_NOT_OPEN: '更新期間はまだ始まっていません。更新開始日（certdesk status で確認できます）以降にもう一度実行してください。',
    ACQUIRE_REQUIRED: '証明書の有効期限が切れています。ログインIDとパスワードで取得してください（certdesk acquire）。',
    REISSUE_REQUIRED: '取得できる期間を過ぎています。お取引店窓口へお申し出ください（再発行）。',
    AUTH_FAILED: 'ログインIDまたはパスワードが正しくありません。確かめてもう一度実行してください。続けて間違えるとロックされることがあります。',
    SERVER_REJECTED: '銀行が要求を受け付けませんでした。しばらくしてからもう一度実行してください。続く場合はヘルプデスクへお問い合わせください。',
    SERVER_ERROR: '銀行のサーバーで障害が起きています。しばらく時間をおいてから、もう一度実行してください。',
    BAD_RESPONSE: '銀行からの応答を読み取れません。もう一度実行してください。続く場合はヘルプデスクへ詳細をお伝えください。',
    PENDING_TIMEOUT: '銀行での発行手続きが決められた時間内に終わりませんでした。しばらくしてからもう一度実行してください。',
    TLS_UNTRUSTED: '接続先が銀行であることを確認できません。中止しました。ヘルプデスクへお問い合わせください。',
    CLIENT_CERT_REJECTED: '銀行が現在の電子証明書を受け付けませんでした。有効期限が切れている場合は certdesk acquire で取得してください。それ以外はヘルプデスクへお問い合わせください。',
    NETWORK: '銀行に接続できません。ネットワークを確認して、もう一度実行してください。',
    PROXY_AUTH_REQUIRED: 'プロキシサーバーがユーザー名とパスワードを求めています（銀行にはまだ接続していません）。HTTPS_PROXY に http://ユーザー名:パスワード@プロキシ:ポート を設定するか、ネットワーク管理者にお問い合わせください。',
    PROXY_FAILED: 'プロキシサーバーに接続できないか、プロキシサーバーが銀行への接続を拒みました（銀行の障害ではありません）。プロキシの設定を確かめるか、ネットワーク管理者にお問い合わせください。',
    CLOCK_SKEW: 'PCの時計がずれています。日付と時刻を正しく合わせてから、もう一度実行してください。',
    NO_CERTIFICATE: 'この銀行の電子証明書がこのPCにありません。certdesk status で確かめるか、certdesk acquire で取得してください。',
    KEY_MISSING: '証明書はありますが秘密鍵がありません。証明書を取得したPCで実行するか、ヘルプデスクへお問い合わせください。',
    VERIFY_FAILED: '銀行から受け取った証明書が検証に合格しなかったため、インストールしませんでした。現在の証明書はそのまま使えます。ヘルプデスクへ詳細をお伝えください。',
    STORE_UNAVAILABLE: '証明書ストアを開けません。PCを再起動してからもう一度実行してください。続く場合はヘルプデスクへお問い合わせください。',
    STORE_WRITE_FAILED: '証明書ストアに書き込めませんでした。もう一度実行してください。続く場合はヘルプデスクへお問い合わせください。',
    VAULT_UNAVAILABLE: '更新処理の記録を守る鍵を、このPCのキーチェーンに保存できませんでした。いったんサインアウトしてから、もう一度実行してください。',
    JOURNAL_WRITE_FAILED: 'ディスクの空き容量不足などで、更新処理の記録を書き込めませんでした。空き容量を確かめてから、もう一度実行してください。',
    POLICY_INVALID: 'ポリシーが正しくありません。IT部門にお問い合わせください。',
    BUSY: '別の更新が実行中です。終わるまでお待ちいただき、もう一度実行してください。',
    CANCELLED: '中止しました。更新するときは、もう一度実行してください。',
    INVALID_INPUT: '指定が正しくありません。certdesk --help で使い方を確かめてから、もう一度実行してください。',
    INTERNAL: '予期しないエラーが発生しました。この表示をヘルプデスクへお伝えください。',
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
  phase: PHASE_WORDS.en,
  check: { policy: 'Policy', store: 'Certificate store', identity: 'Current certificate and key', endpoint: "Bank's endpoint", cacerts: "Bank's CA certificates", clock: "PC's clock" },
  step: { generateKey: 'Generate key', buildRequest: 'Build request', send: 'Send to the bank', verify: 'Verify issued certificate', install: 'Install', verifyInStore: 'Verify in store', removeOld: 'Remove old certificate' },
  error: {
    RENEWAL_NOT_OPEN: 'Renewal is not open yet. Run it again on or after the day renewal opens (certdesk status shows it).',
    ACQUIRE_REQUIRED: 'The certificate has expired. Obtain a new one with your login ID and password (certdesk acquire).',
    REISSUE_REQUIRED: 'The time to obtain a new certificate online is over. Ask your branch to reissue it.',
    AUTH_FAILED: 'The login ID or password is wrong. Check them and run it again; repeated failures may lock the account.',
    SERVER_REJECTED: 'The bank refused the request. Try again later; if it persists, contact the helpdesk.',
    SERVER_ERROR: "The bank's server has a problem. Wait a while and run it again.",
    BAD_RESPONSE: "The bank's answer could not be read. Run it again; if it persists, give the details to the helpdesk.",
    PENDING_TIMEOUT: 'The bank did not finish issuing within the allowed time. Run it again later.',
    TLS_UNTRUSTED: 'The server could not be confirmed as the bank. Stopped. Contact the helpdesk.',
    CLIENT_CERT_REJECTED: 'The bank refused the current certificate. If it has expired, obtain a new one with certdesk acquire; otherwise contact the helpdesk.',
    NETWORK: 'The bank cannot be reached. Check the network and run it again.',
    PROXY_AUTH_REQUIRED: 'The proxy wants a user name and password (the bank was not reached yet). Set HTTPS_PROXY to http://USER:PASSWORD@PROXY:PORT, or ask your network administrator.',
    PROXY_FAILED: 'The proxy cannot be reached, or it refused to connect to the bank (this is not the bank\'s fault). Check the proxy setting, or ask your network administrator.',
    CLOCK_SKEW: "The PC's clock is wrong. Set the date and time correctly, then run it again.",
    NO_CERTIFICATE: 'No certificate of the bank is on this PC. Check with certdesk status, or obtain one with certdesk acquire.',
    KEY_MISSING: 'The certificate is here but its private key is not. Run it on the PC where the certificate was obtained, or contact the helpdesk.',
    VERIFY_FAILED: 'The certificate the bank sent failed verification, so it was not installed. The current certificate still works. Give the details to the helpdesk.',
    STORE_UNAVAILABLE: 'The certificate store cannot be opened. Restart the PC and run it again; if it persists, contact the helpdesk.',
    STORE_WRITE_FAILED: 'Writing to the certificate store failed. Run it again; if it persists, contact the helpdesk.',
    VAULT_UNAVAILABLE: "The key protecting the renewal record could not be kept in this PC's keychain. Sign out and in again, then run it again.",
    JOURNAL_WRITE_FAILED: 'The renewal record could not be written (for example, the disk is full). Free some disk space and run it again.',
    POLICY_INVALID: 'The policy is invalid. Ask your IT department.',
    BUSY: 'Another renewal is running. Wait for it to finish, then run it again.',
    CANCELLED: 'Cancelled. Run it again when you want to renew.',
    INVALID_INPUT: 'Invalid arguments. Check certdesk --help, then run it again.',
    INTERNAL: 'An unexpected error occurred. Give this output to the helpdesk.',
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
