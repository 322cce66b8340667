// Human output of the command line, in the policy's language (Japanese by default). Every
// error code has its words in both languages: a code without them does not compile.
import type { CheckId, ErrorCode, Language, Phase, StepId, SupportView } from '../../shared/contract';
import { formatDay } from '../../shared/format';
import { REASON_TEXTS } from '../../shared/error-texts';
import { PHASE_WORDS } from '../../shared/phase-words';
import { CHECK_WORDS, FACT_LABELS, STEP_WORDS, SUPPORT_NONE } from '../../shared/words';
import type { HealthState } from './verdict';

/** Usage errors, in the chosen language: commander's own are re-worded from its error code. */
interface UsageWords {
  unknownCommand: (cmd: string, suggestion?: string) => string;
  unknownOption: (opt: string, suggestion?: string) => string;
  missingArgument: (what: string) => string;
  missingOption: (opt: string) => string;
  excessArguments: (cmd: string) => string;
  noCommand: string;
  badLang: (v: string) => string;
  badFingerprint: (v: string) => string;
  noSuchFingerprint: (v: string, list: string) => string;
  chooseOne: (list: string) => string;
  needYes: (cmd: string) => string;
  needPasswordEnv: string;
  envUnset: (name: string) => string;
  other: (message: string) => string;
}

interface Catalog {
  lang: Language;
  phase: { readonly [P in Phase]: string };
  check: { readonly [C in CheckId]: string };
  step: { readonly [S in StepId]: string };
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
  /** Keys an interrupted renewal left in a token, still to be removed (no PIN at that run, a full disk). */
  keysToRemove: (count: number, where: string) => string;
  /** A warning after a renewal: another program changed the store meanwhile (not CertDesk). */
  othersChanged: (what: string) => string;
  /** doctor: a private key no certificate carries; `ours`: CertDesk left it and the next renewal removes it. */
  keyWithoutCertificate: (label: string, keyId: string, ours: boolean) => string;
  /** An interrupted renewal waits: which, where it stopped, since when; `tried`: --recover ran and could not finish it. */
  unfinished: (operation: 'renew' | 'acquire', step: string, startedAt: string, tried: boolean) => string;
  detail: string;
  usage: UsageWords;
  /** doctor: the identity check passed, the certificate is not due yet. */
  notYetDue: (opensOn: string) => string;
  /** A check not run because one before it failed. */
  skipped: string;
  today: string;
  /** A key device's PIN not given, wrong or locked (STORE_UNAVAILABLE with that reason): not "the store cannot be opened". */
  pin: { PIN_REQUIRED: string; PIN_INCORRECT: string; PIN_LOCKED: string };
  /** 置き換え済み: a newer certificate of the same holder is installed beside it. */
  superseded: string;
  supersededHelp: (newer: string) => string;
  removedSuperseded: (fp: string) => string;
  /** doctor: a policy field set by the machine's file or the registry (the company's IT). */
  managed: string;
  /** RENEWAL_NOT_OPEN with the date the bank or the phase rules gave. */
  opensOn_: (date: string) => string;
  /** 取得 refused: the certificate is still valid on another PC (new PC); waiting does not help. */
  validElsewhere: string;
  /** What a status or doctor run found, one line (the exit code says the same). */
  state: { readonly [S in HealthState]: string };
  /** The bank's helpdesk, or where to find it when the policy names none. */
  support: (s?: SupportView) => string;
  /** No certificate of the bank on this PC: the two ways the banks offer. */
  newPc: (guideUrl?: string) => string;
  choosePrompt: (n: number) => string;
  version: string;
  /** POLICY_INVALID with reason NOT_INSTALLED: no layer has a policy. */
  policyMissing: string;
  /** The status file's folder belongs to another user (sudo with HOME kept): nothing was done. */
  stateFolderNotOwned: string;
  /** doctor: where each policy field came from. */
  policyOrigins: string;
  /** doctor: a field of the user's policy file that the bank's or IT's policy sets, so not used. */
  policyIgnored: (field: string, file: string, by: string, reason: 'SET_BY_BANK' | 'SET_BY_IT') => string;
  /** doctor: keyStorage "store" with several stores: the key is made in software (sealed), not in a store. */
  keyStorageSoftware: (stores: number) => string;
  keyStorageSoftwareMac: string;
  /** PROXY_AUTH_REQUIRED when the request went through the app's Chromium stack (HTTPS_PROXY's credentials are not used there). */
  proxyAuthApp: string;
  /** doctor: the next request, from the bank's /csrattrs and the policy. */
  request: { title: string; keyType: string; hash: string; honoured: string; ignored: string };
  /** A failure after the bank issued that the next start finishes (detail.resumesAtStart): no advice of the code's own. */
  resumesAtStart: string;
  /** The bank answered "pending" (202): which check this was, how long until the next, and when. */
  pending: (attempt: number, waitSeconds: number, at: string) => string;
}

function contactLine(s: SupportView): string {
  return [s.name, s.phone, s.hours, s.email, s.url].filter(Boolean).join(' / ');
}

const ja: Catalog = {
  lang: 'ja',
  phase: PHASE_WORDS.ja,
  check: CHECK_WORDS.ja,
  step: STEP_WORDS.ja,
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
    PROXY_AUTH_REQUIRED: 'プロキシサーバーがユーザー名とパスワードを求めています（銀行にはまだ接続していません）。HTTPS_PROXY に http://ユーザー名:パスワード@プロキシ:ポート を設定してからもう一度実行するか、ネットワーク管理者にお問い合わせください。',
    PROXY_FAILED: 'プロキシサーバーに接続できないか、プロキシサーバーが銀行への接続を拒みました（銀行の障害ではありません）。プロキシの設定を確かめてからもう一度実行するか、ネットワーク管理者にお問い合わせください。',
    CLOCK_SKEW: 'PCの時計がずれています。日付と時刻を正しく合わせてから、もう一度実行してください。',
    NO_CERTIFICATE: 'この銀行の電子証明書がこのPCにありません。certdesk status で確かめるか、certdesk acquire で取得してください。',
    KEY_MISSING: '証明書はありますが秘密鍵がありません。証明書を取得したPCで実行するか、ヘルプデスクへお問い合わせください。',
    VERIFY_FAILED: '銀行から受け取った証明書が検証に合格しなかったため、インストールしませんでした。現在の証明書はそのまま使えます。ヘルプデスクへ詳細をお伝えください。',
    STORE_UNAVAILABLE: '証明書の保存場所を開けません。PCを再起動してからもう一度実行してください。続く場合はヘルプデスクへお問い合わせください。',
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
  fingerprint: FACT_LABELS.ja.sha256,
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
  othersChanged: (what) => `注意: 古い証明書を削除している間に、別のプログラムが証明書ストアを変更しました（CertDesk の操作ではありません）: ${what}`,
  keyWithoutCertificate: (label, id, ours) => `証明書のない秘密鍵: 「${label}」（ID ${id}）${ours ? ' — CertDesk が残したものです。次の更新で削除されます。' : ' — 不要なら certutil -F -k でヘルプデスクが削除できます。'}`,
  keysToRemove: (n, where) => `中断した更新の鍵が ${n} 個、${where} に残っています。PIN を入力して次に更新（または certdesk status --recover --pin-env）を実行すると削除されます。`,
  recovered: (o) => (o === 'resumed' ? '中断していた更新を完了しました。' : o === 'rolledBack' ? '中断していた更新を取り消しました（元の証明書のままです）。' : '中断していた更新は未完了です。'),
  unfinished: (op, step, at, tried) =>
    tried
      ? `中断していた${op === 'renew' ? '更新' : '取得'}（「${step}」の段階、${at} 開始）はまだ完了できません。しばらくしてから certdesk status --recover をもう一度実行してください。`
      : `中断した${op === 'renew' ? '更新' : '取得'}（「${step}」の段階、${at} 開始）が残っています。certdesk status --recover で完了させてください（certdesk ${op} でも完了します）。`,
  detail: '詳細',
  notYetDue: (d) => `更新期間前です（更新は${d}から）。今は何もする必要はありません。`,
  skipped: '前の確認が終わらなかったため省略',
  today: '本日',
  pin: {
    PIN_REQUIRED: '鍵を保管している装置（ICカードなど）のPINが入力されなかったため、何も変更していません。端末から実行してPINを入力するか、--pin-env 変数名 でPINを渡して、もう一度実行してください。',
    PIN_INCORRECT: 'PINが違います。何も変更していません。正しいPINを確かめて、もう一度実行してください。間違いが続くと装置がロックされることがあります（多くは3回ほど）。',
    PIN_LOCKED: '鍵を保管している装置のPINがロックされています。何も変更していません。IT担当者にロックの解除を依頼してから、もう一度実行してください。',
  },
  superseded: '置き換え済み（更新は不要です）',
  supersededHelp: (n) => `新しい証明書（${n}）に置き換えられた古い証明書です。新しい証明書は確認済みのため、削除してかまいません（ポリシーの removeSuperseded が true なら、certdesk status --recover などの実行時に自動で削除します）。`,
  removedSuperseded: (fp) => `置き換え済みの古い証明書（${fp}）を削除しました。`,
  managed: '会社の管理者が設定',
  opensOn_: (d) => `更新期間はまだ始まっていません。${d}以降にもう一度実行してください。`,
  validElsewhere: 'このログインIDの電子証明書は、以前のパソコンでまだ有効です。同じ証明書を2台のパソコンで使うことはできないため、このパソコンでは取得できません。もう一度実行しても結果は変わりません。',
  usage: {
    unknownCommand: (c, g) => `「${c}」というコマンドはありません。${g ? `「${g}」のことですか？ ` : ''}certdesk --help で使い方を確かめてください。`,
    unknownOption: (o, g) => `「${o}」というオプションはありません。${g ? `「${g}」のことですか？ ` : ''}certdesk --help で使い方を確かめてください。`,
    missingArgument: (w) => `${w} の値がありません。`,
    missingOption: (o) => `${o} を指定してください。`,
    excessArguments: (c) => `${c} に余分な引数があります。`,
    noCommand: 'コマンドを指定してください（status, inspect, doctor, renew, acquire）。certdesk --help で使い方を確かめてください。',
    badLang: (v) => `--lang には ja か en を指定してください（指定: "${v}"）。`,
    badFingerprint: (v) => `--fingerprint には SHA-256（16進64桁）または SHA-1（16進40桁、Windowsの「拇印」）を指定してください（指定: "${v}"）。`,
    noSuchFingerprint: (v, list) => `--fingerprint ${v} に合う銀行の証明書がこのPCにありません。ある証明書:\n${list}`,
    chooseOne: (list) => `この銀行の証明書が複数あります。--fingerprint でどれかを指定してください:\n${list}`,
    needYes: (c) => `端末から実行されていないため確認できません。確認なしで ${c} するには --yes を付けてください。`,
    needPasswordEnv: '端末から実行されていないためパスワードを入力できません。--password-env 変数名 でパスワードを渡してください。',
    envUnset: (n) => `環境変数 ${n} が設定されていません。`,
    other: (m) => `指定が正しくありません（${m}）。certdesk --help で使い方を確かめてください。`,
  },
  state: {
    ok: '正常です。今は何もする必要はありません。',
    renewalOpen: '更新期間中です。certdesk renew で更新してください。',
    acquireRequired: '有効期限が切れています。certdesk acquire で取得してください。',
    reissueRequired: '取得できる期間を過ぎています。お取引店窓口で再発行を申し込んでください。',
    newPc: 'このPCには銀行の電子証明書がありません。',
    broken: '問題があります。上のメッセージを確かめてください。',
  },
  support: (s) => (s ? `お問い合わせ先: ${contactLine(s)}` : SUPPORT_NONE.ja),
  newPc: (url) =>
    [
      'このPCには銀行の電子証明書がありません。新しいPCや買い替えたPCでは、次のどちらかを行ってください:',
      '  1. 以前のパソコンの証明書を失効してから取得する: 御社のインターネットバンキング管理者（またはお取引店）に以前のPCの証明書を失効してもらい、このPCで certdesk acquire --login-id ログインID を実行します。',
      '  2. 以前のPCで先に更新する: 以前のPCの証明書がまだ有効で更新期間中なら、以前のPCで更新してください。',
      ...(url ? [`  銀行のご案内: ${url}`] : []),
    ].join('\n'),
  choosePrompt: (n) => `どの証明書ですか？ 番号（1〜${n}）を入力してください: `,
  version: 'バージョン',
  policyMissing: 'ポリシー（銀行の設定ファイル）がインストールされていません。詳細に示す場所に policy.json を置いてください（銀行またはIT部門が用意します）。',
  stateFolderNotOwned: '状態ファイルのフォルダーが別のユーザーのものなので、何も実行しませんでした。そのフォルダーの持ち主のユーザーで実行するか（sudo では -H を付ける）、CERTDESK_STATUS_FILE で自分のフォルダーのファイルを指定してください。',
  policyOrigins: 'ポリシーの設定元',
  policyIgnored: (field, file, by, reason) => `${field}: ${file} の値は使われません（${reason === 'SET_BY_BANK' ? '銀行' : 'IT部門'}の設定 ${by} が優先されます）`,
  keyStorageSoftwareMac: 'keyStorage は "store" ですが、macOS では新しい鍵は CertDesk が作り、ログインキーチェーンへ取り出し不可（non-extractable）として取り込みます（ソフトウェア鍵）。',
  keyStorageSoftware: (n) => `keyStorage は "store" ですが、証明書ストアが ${n} つあるため、新しい鍵は証明書ストア内ではなく CertDesk が暗号化して保管するソフトウェア鍵として作られ、各ストアへ書き込まれます。`,
  proxyAuthApp: 'プロキシサーバーがユーザー名とパスワードを求めています（銀行にはまだ接続していません）。CertDesk アプリを起動してプロキシのユーザー名とパスワードを入力するか、ネットワーク管理者にお問い合わせください（環境変数 HTTPS_PROXY のユーザー名とパスワードはこの接続では使われません）。',
  request: { title: '次回の申請の内容（銀行の指定と会社の設定から）', keyType: '鍵の種類', hash: '署名の方式', honoured: '採用した指定', ignored: '採用しなかった指定' },
  resumesAtStart:
    '銀行が発行した新しい証明書のインストールがまだ完了していません。新しい証明書は CertDesk の更新記録に保存されており、次に CertDesk を起動したとき（または certdesk status --recover）に改めてインストールされます。ほかに必要な操作はありません。もう一度実行するか、アプリを再起動してください。',
  pending: (attempt, s, at) => `銀行で発行手続き中です（${attempt}回目の確認）。${s < 60 ? `${s}秒` : `${Math.ceil(s / 60)}分`}後（${at}）に再確認します（待つのは合計30分までです）。`,
};

const en: Catalog = {
  lang: 'en',
  phase: PHASE_WORDS.en,
  check: CHECK_WORDS.en,
  step: STEP_WORDS.en,
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
    PROXY_AUTH_REQUIRED: 'The proxy wants a user name and password (the bank was not reached yet). Set HTTPS_PROXY to http://USER:PASSWORD@PROXY:PORT and run it again, or ask your network administrator.',
    PROXY_FAILED: 'The proxy cannot be reached, or it refused to connect to the bank (this is not the bank\'s fault). Check the proxy setting and run it again, or ask your network administrator.',
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
  fingerprint: FACT_LABELS.en.sha256,
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
  othersChanged: (what) => `Note: while the old certificate was being removed, another program changed the certificate store (not CertDesk): ${what}`,
  keyWithoutCertificate: (label, id, ours) => `Private key without a certificate: "${label}" (ID ${id})${ours ? ' — left by CertDesk; the next renewal removes it.' : ' — if it is not needed, the helpdesk can remove it with certutil -F -k.'}`,
  keysToRemove: (n, where) => `${n} key${n === 1 ? '' : 's'} of an interrupted renewal ${n === 1 ? 'is' : 'are'} still in ${where}. The next renewal with the token's PIN (or certdesk status --recover with the PIN) removes ${n === 1 ? 'it' : 'them'}.`,
  recovered: (o) => (o === 'resumed' ? 'An interrupted renewal was finished.' : o === 'rolledBack' ? 'An interrupted renewal was rolled back (the previous certificate stays).' : 'An interrupted renewal is still unfinished.'),
  unfinished: (op, step, at, tried) =>
    tried
      ? `The interrupted ${op === 'renew' ? 'renewal' : 'acquisition'} (stopped at "${step}", started ${at}) could not be finished yet. Run certdesk status --recover again later.`
      : `An interrupted ${op === 'renew' ? 'renewal' : 'acquisition'} (stopped at "${step}", started ${at}) is waiting. Finish it with certdesk status --recover (certdesk ${op} finishes it too).`,
  detail: 'Detail',
  notYetDue: (d) => `Not due yet (renewal opens on ${d}). Nothing to do now.`,
  skipped: 'skipped: an earlier check did not pass',
  today: 'today',
  pin: {
    PIN_REQUIRED: 'The PIN of the device that keeps the key (a smart card, for example) was not given, so nothing was changed. Run it from a terminal and enter the PIN, or give it with --pin-env VAR, then run it again.',
    PIN_INCORRECT: 'The PIN is wrong; nothing was changed. Check the PIN and run it again. After a few wrong PINs (often about three) the device locks.',
    PIN_LOCKED: 'The PIN of the device that keeps the key is locked; nothing was changed. Ask your IT staff to unlock it, then run it again.',
  },
  superseded: 'Superseded (nothing to renew)',
  supersededHelp: (n) => `An old certificate that a newer one (${n}) has replaced. The newer one has been checked, so this one can be removed (with the policy's removeSuperseded true, certdesk status --recover and the other writing commands remove it by themselves).`,
  removedSuperseded: (fp) => `The superseded old certificate (${fp}) was removed.`,
  managed: 'set by your company',
  opensOn_: (d) => `Renewal is not open yet. Run it again on or after ${d}.`,
  validElsewhere: "This login ID's certificate is still valid on the previous PC. One certificate cannot be used on two PCs, so it cannot be obtained on this PC; running it again changes nothing.",
  usage: {
    unknownCommand: (c, g) => `There is no command "${c}".${g ? ` Did you mean "${g}"?` : ''} See certdesk --help.`,
    unknownOption: (o, g) => `There is no option "${o}".${g ? ` Did you mean "${g}"?` : ''} See certdesk --help.`,
    missingArgument: (w) => `${w} needs a value.`,
    missingOption: (o) => `${o} is required.`,
    excessArguments: (c) => `${c} got arguments it does not take.`,
    noCommand: 'Name a command (status, inspect, doctor, renew, acquire). See certdesk --help.',
    badLang: (v) => `--lang takes ja or en (got "${v}").`,
    badFingerprint: (v) => `--fingerprint takes a SHA-256 (64 hex digits) or SHA-1 (40 hex digits, Windows' "Thumbprint") fingerprint (got "${v}").`,
    noSuchFingerprint: (v, list) => `No certificate of the bank on this PC matches --fingerprint ${v}. The certificates here:\n${list}`,
    chooseOne: (list) => `Several certificates of the bank are on this PC. Choose one with --fingerprint:\n${list}`,
    needYes: (c) => `stdin is not a terminal, so nothing can be confirmed: add --yes to ${c} without confirmation.`,
    needPasswordEnv: 'stdin is not a terminal, so no password can be typed: give it with --password-env VAR.',
    envUnset: (n) => `The environment variable ${n} is not set.`,
    other: (m) => `Invalid arguments (${m}). See certdesk --help.`,
  },
  state: {
    ok: 'Healthy. Nothing to do now.',
    renewalOpen: 'Renewal is open. Renew with certdesk renew.',
    acquireRequired: 'The certificate has expired. Obtain a new one with certdesk acquire.',
    reissueRequired: 'The time to obtain a certificate online is over. Ask your branch to reissue it.',
    newPc: 'No certificate of the bank is on this PC.',
    broken: 'Something is wrong: see the message above.',
  },
  support: (s) => (s ? `Contact: ${contactLine(s)}` : SUPPORT_NONE.en),
  newPc: (url) =>
    [
      'No certificate of the bank is on this PC. On a new or replaced PC, do one of these:',
      "  1. Revoke the old PC's certificate, then obtain one here: your company's internet banking administrator (or the branch) revokes the old PC's certificate; then run certdesk acquire --login-id ID on this PC.",
      '  2. Renew on the old PC first: if its certificate is still valid and renewal is open, renew there.',
      ...(url ? [`  The bank's guide: ${url}`] : []),
    ].join('\n'),
  choosePrompt: (n) => `Which certificate? Enter its number (1-${n}): `,
  version: 'Version',
  policyMissing: "No policy (the bank's settings file) is installed. Put policy.json in one of the places the detail names (the bank or your IT department provides it).",
  stateFolderNotOwned: 'The folder of the status file belongs to another user, so nothing was done. Run CertDesk as the user who owns that folder (with sudo, add -H), or set CERTDESK_STATUS_FILE to a file in a folder of yours.',
  policyOrigins: 'Policy fields and where they come from',
  policyIgnored: (field, file, by, reason) => `${field}: not taken from ${file} (${reason === 'SET_BY_BANK' ? "the bank's" : "your IT department's"} ${by} sets it and wins)`,
  keyStorageSoftwareMac: 'keyStorage is "store", but on macOS the new key is made in CertDesk (a software key) and imported into the login keychain as non-extractable.',
  keyStorageSoftware: (n) => `keyStorage is "store", but with ${n} stores the new key is made as a software key CertDesk keeps sealed, then written to each store, not made inside a store.`,
  proxyAuthApp: "The proxy wants a user name and password (the bank was not reached yet). Start the CertDesk app and enter the proxy's user name and password there, or ask your network administrator (a user name and password in HTTPS_PROXY are not used for this connection).",
  request: { title: "The next request (the bank's /csrattrs against the policy)", keyType: 'Key type', hash: 'Signature', honoured: 'Followed', ignored: 'Not followed' },
  resumesAtStart:
    "The new certificate the bank issued is not fully installed yet. CertDesk keeps it in its renewal record and installs it again at the next start (or with certdesk status --recover): nothing else is needed. Run it again, or restart the app.",
  pending: (attempt, s, at) => `The bank is still processing (check ${attempt}). Checking again in ${s < 60 ? `${s} seconds` : `${Math.ceil(s / 60)} min`}, at ${at} (CertDesk waits 30 minutes at most in all).`,
};

export const catalogs: Record<Language, Catalog> = { ja, en };

/**
 * The first line of an error: the catalog's words for its code. A proxy that wants a password
 * gets advice for the transport that met it: Node's (the command line without the app) takes
 * credentials from HTTPS_PROXY; the app's Chromium stack (the headless command) does not, and
 * asks for them in the app. Node's error always carries the proxy's HTTP status
 * (core/est/transport-errors.ts), Chromium's never does (net gives only its error code).
 */
export function errorHeadline(c: Catalog, e: { code: ErrorCode; detail?: Record<string, unknown> }, appTransport: boolean, validElsewhere = false): string {
  if (validElsewhere) return c.validElsewhere;
  if (e.detail?.reason === 'NOT_INSTALLED') return c.policyMissing;
  const pin = e.detail?.reason;
  if (pin === 'PIN_REQUIRED' || pin === 'PIN_INCORRECT' || pin === 'PIN_LOCKED') return c.pin[pin];
  if (e.detail?.reason === 'STATE_FOLDER_NOT_OWNED') return c.stateFolderNotOwned;
  if (e.detail?.reason === 'FIREFOX_RUNNING' || e.detail?.reason === 'FIREFOX_NO_PROFILE') {
    const t = REASON_TEXTS[c.lang][e.detail.reason]!;
    return `${t.happened} ${t.todo}`;
  }
  if (e.code === 'RENEWAL_NOT_OPEN' && typeof e.detail?.opensOn === 'string') return c.opensOn_(formatDay(e.detail.opensOn, c.lang));
  if (e.code === 'PROXY_AUTH_REQUIRED' && appTransport && typeof e.detail?.status !== 'number') return c.proxyAuthApp;
  if (e.detail?.resumesAtStart === true) return c.resumesAtStart;
  return c.error[e.code];
}
export type { Catalog };
