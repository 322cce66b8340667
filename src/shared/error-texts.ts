// What each error code means to the person who meets it — a title, what happened, what to do —
// in both languages: the window's error panel shows them (its catalogs take this table), the
// command line's 詳細 line and the diagnostics export say what happened in the same words. A
// code added to the contract without its texts does not compile. {{field}} and {{date}} come
// from the error's detail. Pure data.
import type { ErrorCode, ErrorReason, Language } from './contract';

export interface ErrorTexts {
  title: string;
  happened: string;
  todo: string;
}

/** One entry per ErrorCode. */
export type ErrorCatalog = Record<ErrorCode, ErrorTexts>;

/**
 * The key under which an error's own words are found: its detail.reason, except where one fact
 * beside the reason changes who must act — a key store refused for the policy's keyStorage
 * (the custody decision: tpm on macOS, pkcs11 on Windows, a token whose PIN cannot be asked) is
 * the company's IT's to change, not "restart the PC" as a store that will not open.
 */
export function reasonKey(error: { detail?: object }): ReasonTextKey | undefined {
  const d = error.detail as { reason?: unknown; field?: unknown } | undefined;
  if (d?.reason === 'CUSTODIAN_UNAVAILABLE' && d.field === 'keyStorage') return 'KEY_STORAGE_NOT_HERE';
  return typeof d?.reason === 'string' ? (d.reason as ErrorReason) : undefined;
}

/** What REASON_TEXTS is keyed by: the reasons, and the keys reasonKey makes of a reason with a second fact (never sent as a reason). */
export type ReasonTextKey = ErrorReason | 'KEY_STORAGE_NOT_HERE';

/**
 * Reasons (reasonKey above) whose words differ from their code's: retrying cannot help
 * an account the bank has stopped, so the bank must be asked.
 */
export const REASON_TEXTS: { readonly [L in Language]: Readonly<Partial<Record<ReasonTextKey, ErrorTexts>>> } = {
  ja: {
    ACCOUNT_INACTIVE: {
      title: 'このログインIDは現在ご利用いただけません',
      happened: '銀行によると、このログインIDは現在ご利用いただけない状態です。銀行は証明書の発行を受け付けませんでした。',
      todo: 'もう一度試しても結果は変わりません。お取引店または銀行のヘルプデスクへお問い合わせください。',
    },
    KEY_STORAGE_NOT_HERE: {
      title: '会社の設定で指定された秘密鍵の保存場所を、このパソコンでは使えません',
      happened: '会社のIT部門が用意した CertDesk の設定（keyStorage：秘密鍵を作って保管する場所）が、このパソコンでは使えない場所を指定しているため、証明書を更新できません。何も変更していません。',
      todo: 'パソコンの再起動やもう一度の操作では直りません。会社のIT部門に、この設定（keyStorage）を変更するよう依頼してください。',
    },
    // Not "restart the PC": Firefox holds its profile's db while it runs.
    FIREFOX_RUNNING: {
      title: 'Firefox を閉じてください',
      happened: 'Firefox が起動しているため、Firefox の証明書の保存場所に書き込めませんでした。何も変更していません。',
      todo: 'Firefox のウィンドウをすべて閉じてから、もう一度お試しください。',
    },
    FIREFOX_NO_PROFILE: {
      title: 'Firefox の設定が見つかりません',
      happened: 'このパソコンの Firefox のプロファイル（証明書を保存する場所）が見つかりませんでした。何も変更していません。',
      todo: 'Firefox を一度起動して閉じてから、もう一度お試しください。',
    },
  },
  en: {
    ACCOUNT_INACTIVE: {
      title: 'This login ID cannot be used at present',
      happened: 'The bank says this login ID cannot be used at present, and did not issue a certificate.',
      todo: "Trying again changes nothing. Contact your branch or the bank's helpdesk.",
    },
    KEY_STORAGE_NOT_HERE: {
      title: "Your company's settings ask for a key store this PC cannot use",
      happened: "The CertDesk settings your company's IT prepared (keyStorage: where the private key is made and kept) name a place this PC cannot use, so the certificate cannot be renewed. Nothing was changed.",
      todo: "Restarting the PC or trying again will not help. Ask your company's IT to change this setting (keyStorage).",
    },
    FIREFOX_RUNNING: {
      title: 'Close Firefox',
      happened: "Firefox is running, so its certificate store could not be written. Nothing was changed.",
      todo: 'Close all Firefox windows and try again.',
    },
    FIREFOX_NO_PROFILE: {
      title: 'No Firefox profile found',
      happened: "This PC's Firefox profile (where Firefox keeps certificates) was not found. Nothing was changed.",
      todo: 'Start Firefox once and close it, then try again.',
    },
  },
};

/** Reasons after which trying the same again cannot help, whatever their code's row says (the bank must act first). */
export const REASONS_WITHOUT_RETRY: readonly ReasonTextKey[] = ['ACCOUNT_INACTIVE', 'KEY_STORAGE_NOT_HERE'];

export const ERROR_TEXTS: { readonly [L in Language]: ErrorCatalog } = {
  ja: {
    RENEWAL_NOT_OPEN: {
      title: 'まだ更新できません',
      happened: '電子証明書の更新可能期間はまだ始まっていません。',
      todo: '{{date}}以降にもう一度お試しください。',
    },
    ACQUIRE_REQUIRED: {
      title: '有効期限が切れています',
      happened: '電子証明書の有効期限が過ぎたため、更新はできません。',
      todo: '「電子証明書取得」から、ログインIDとログインパスワードで新しい証明書を取得してください。',
    },
    REISSUE_REQUIRED: {
      title: '再発行が必要です',
      happened: '有効期限日から取得できる期間が過ぎたため、オンラインでは取得できません。',
      todo: 'お手数ですが、お取引店窓口へお申し出ください。',
    },
    AUTH_FAILED: {
      title: 'ログインIDまたはパスワードが違います',
      happened: '銀行がログインIDまたはログインパスワードを受け付けませんでした。',
      todo: '入力内容を確かめて、もう一度入力してください。続けて間違えるとロックされることがあります。',
    },
    SERVER_REJECTED: {
      title: '銀行が要求を受け付けませんでした',
      happened: '銀行の発行サーバーが証明書の発行を断りました。',
      todo: 'しばらくしてからもう一度お試しください。続く場合はヘルプデスクへお問い合わせください。',
    },
    SERVER_ERROR: {
      title: '銀行のサーバーで障害が起きています',
      happened: '銀行の発行サーバーが応答できませんでした。',
      todo: 'しばらく時間をおいてから、もう一度お試しください。',
    },
    BAD_RESPONSE: {
      title: '銀行からの応答を読み取れません',
      happened: '銀行の発行サーバーから想定外の応答がありました。',
      todo: 'もう一度お試しください。続く場合はヘルプデスクへ詳細をお伝えください。',
    },
    PENDING_TIMEOUT: {
      title: '発行手続きが終わりませんでした',
      happened: '銀行での発行手続きが決められた時間内に終わりませんでした。',
      todo: 'しばらくしてからもう一度お試しください。',
    },
    TLS_UNTRUSTED: {
      title: '接続先を確認できません',
      happened: '接続先が銀行のサーバーであることを確認できなかったため、何も送らずに接続を中止しました。',
      todo: '会社のネットワークで通信内容を検査する装置（プロキシなど）が間に入っていると、よく起こります。会社のIT担当者に、銀行への接続をそのまま通すよう依頼してください。それでも続く場合は、銀行のヘルプデスクへお問い合わせください。',
    },
    CLIENT_CERT_REJECTED: {
      title: '現在の証明書が受け付けられませんでした',
      happened: '銀行が、このパソコンの現在の電子証明書を受け付けませんでした。',
      todo: '有効期限が切れている場合は「電子証明書取得」をお使いください。それ以外はヘルプデスクへお問い合わせください。',
    },
    NETWORK: {
      title: '銀行に接続できません',
      happened: 'ネットワークに接続できないか、接続が途中で切れました。',
      todo: 'インターネットへの接続を確かめて、もう一度お試しください。',
    },
    PROXY_AUTH_REQUIRED: {
      title: 'プロキシサーバーの認証が必要です',
      happened: '社内のプロキシサーバーがユーザー名とパスワードを求めたため、銀行にはまだ接続していません。',
      todo: 'もう一度お試しいただき、表示される画面でプロキシのユーザー名とパスワードを入力してください。わからない場合は社内のネットワーク管理者にお問い合わせください。',
    },
    PROXY_FAILED: {
      title: 'プロキシサーバーに接続できません',
      happened: '社内のプロキシサーバーに接続できないか、プロキシサーバーが銀行への接続を拒みました。銀行の障害ではありません。',
      todo: 'しばらくしてからもう一度お試しください。続く場合は社内のネットワーク管理者にお問い合わせください。',
    },
    CLOCK_SKEW: {
      title: 'パソコンの時刻がずれています',
      happened: 'このパソコンの時刻が銀行の時刻と大きく異なります。',
      todo: 'パソコンの日付と時刻を正しく合わせてから、もう一度お試しください。',
    },
    NO_CERTIFICATE: {
      title: '電子証明書が見つかりません',
      happened: 'このパソコンに銀行の電子証明書が見つかりませんでした。',
      todo: '「電子証明書取得」から取得してください。',
    },
    KEY_MISSING: {
      title: '秘密鍵が見つかりません',
      happened: '電子証明書はありますが、対応する秘密鍵がこのパソコンにありません。',
      todo: '証明書を取得したパソコンでお試しいただくか、ヘルプデスクへお問い合わせください。',
    },
    VERIFY_FAILED: {
      title: '発行された証明書を確認できません',
      happened: '銀行から受け取った証明書が確認に合格しなかったため、インストールしませんでした。',
      todo: '現在の証明書はそのまま使えます。ヘルプデスクへ詳細をお伝えください。',
    },
    STORE_UNAVAILABLE: {
      title: '証明書の保存場所を開けません',
      happened: 'このパソコンの証明書の保存場所を開けませんでした。',
      todo: 'パソコンを再起動してからもう一度お試しください。続く場合はヘルプデスクへお問い合わせください。',
    },
    STORE_WRITE_FAILED: {
      title: '証明書を保存できません',
      happened: '新しい証明書をこのパソコンに保存できませんでした。現在の証明書はそのままです。',
      todo: 'もう一度お試しください。続く場合はヘルプデスクへお問い合わせください。',
    },
    VAULT_UNAVAILABLE: {
      title: 'パスワードの保管機能を使えません',
      happened: '更新の途中経過を安全に残すための合言葉を、このパソコンのパスワードの保管機能（Windows などが秘密の情報を安全にしまっておく場所）に保存できませんでした。',
      todo: 'いったんサインアウトしてから、もう一度お試しください。',
    },
    JOURNAL_WRITE_FAILED: {
      title: '処理の記録を書き込めません',
      happened: 'ディスクの空き容量不足などで、更新処理の記録を書き込めませんでした。',
      todo: 'ディスクの空き容量を確かめてから、もう一度お試しください。',
    },
    POLICY_INVALID: {
      title: '組織の設定に誤りがあります',
      happened: '会社のIT部門（または銀行）が用意した CertDesk の設定に誤りがあるため、処理を始められません。',
      todo: '会社のIT部門にお問い合わせください。誤りのある項目は「詳細（ヘルプデスク向け）」に示しています。',
    },
    BUSY: {
      title: '別の更新処理が実行中です',
      happened: '更新処理はすでに実行中です。',
      todo: '終わるまでお待ちいただき、もう一度お試しください。',
    },
    CANCELLED: {
      title: '中止しました',
      happened: '更新処理を中止しました。現在の証明書はそのままです。',
      todo: '更新するときは、もう一度お試しください。',
    },
    INVALID_INPUT: {
      title: '指定を受け付けられませんでした',
      happened: 'CertDesk に渡された指定を受け付けられませんでした。何も変更していません。',
      todo: 'もう一度お試しください。続く場合は、「詳細（ヘルプデスク向け）」の内容をヘルプデスクへお伝えください。',
    },
    INTERNAL: {
      title: '予期しないエラーが発生しました',
      happened: 'CertDesk 内部で予期しないエラーが発生しました。',
      todo: '診断情報を保存し、ヘルプデスクへお問い合わせください。',
    },
  },
  en: {
    RENEWAL_NOT_OPEN: {
      title: 'Renewal is not open yet',
      happened: 'The renewal period for this certificate has not started yet.',
      todo: 'Please try again on or after {{date}}.',
    },
    ACQUIRE_REQUIRED: {
      title: 'The certificate has expired',
      happened: 'The certificate is past its expiry date, so it cannot be renewed.',
      todo: 'Use "Obtain certificate" with your login ID and password.',
    },
    REISSUE_REQUIRED: {
      title: 'Reissue required',
      happened: 'The period for obtaining a certificate after expiry is over, so it cannot be obtained online.',
      todo: 'Please ask at your branch counter.',
    },
    AUTH_FAILED: {
      title: 'Login ID or password is wrong',
      happened: 'The bank did not accept the login ID or login password.',
      todo: 'Check what you entered and try again. Repeated failures may lock the account.',
    },
    SERVER_REJECTED: {
      title: 'The bank refused the request',
      happened: "The bank's issuing server declined to issue the certificate.",
      todo: 'Try again later. If it persists, contact the helpdesk.',
    },
    SERVER_ERROR: {
      title: "The bank's server has a problem",
      happened: "The bank's issuing server could not answer.",
      todo: 'Wait a while and try again.',
    },
    BAD_RESPONSE: {
      title: "The bank's answer could not be read",
      happened: "The bank's issuing server sent an unexpected answer.",
      todo: 'Try again. If it persists, give the details to the helpdesk.',
    },
    PENDING_TIMEOUT: {
      title: 'Issuing did not finish',
      happened: 'The bank did not finish issuing within the allowed time.',
      todo: 'Try again later.',
    },
    TLS_UNTRUSTED: {
      title: 'The server could not be verified',
      happened: "CertDesk could not confirm that it was talking to the bank's server, so it stopped without sending anything.",
      todo: "This usually happens when a device on your company's network inspects encrypted traffic (a proxy, for example). Ask your company's IT to let the connection to the bank pass unchanged. If it persists, contact the bank's helpdesk.",
    },
    CLIENT_CERT_REJECTED: {
      title: 'Your current certificate was refused',
      happened: "The bank did not accept this PC's current certificate.",
      todo: 'If it has expired, use "Obtain certificate". Otherwise contact the helpdesk.',
    },
    NETWORK: {
      title: 'Cannot reach the bank',
      happened: 'There is no network connection, or it was interrupted.',
      todo: 'Check your internet connection and try again.',
    },
    PROXY_AUTH_REQUIRED: {
      title: 'The proxy needs your sign-in',
      happened: "Your office's proxy server asked for a user name and password, so the bank has not been contacted yet.",
      todo: "Try again and enter the proxy's user name and password when asked. If you do not know them, ask your network administrator.",
    },
    PROXY_FAILED: {
      title: 'Cannot reach the proxy server',
      happened: "Your office's proxy server could not be reached, or it refused to connect to the bank. This is not a problem at the bank.",
      todo: 'Try again later. If it keeps happening, ask your network administrator.',
    },
    CLOCK_SKEW: {
      title: "This PC's clock is wrong",
      happened: "This PC's clock differs a lot from the bank's.",
      todo: "Set this PC's date and time correctly, then try again.",
    },
    NO_CERTIFICATE: {
      title: 'No certificate found',
      happened: "No certificate of the bank was found on this PC.",
      todo: 'Use "Obtain certificate".',
    },
    KEY_MISSING: {
      title: 'Private key not found',
      happened: 'The certificate is here, but its private key is not on this PC.',
      todo: 'Try on the PC where the certificate was obtained, or contact the helpdesk.',
    },
    VERIFY_FAILED: {
      title: 'The issued certificate failed verification',
      happened: 'The certificate received from the bank did not pass verification, so it was not installed.',
      todo: 'Your current certificate still works. Give the details to the helpdesk.',
    },
    STORE_UNAVAILABLE: {
      title: 'Cannot open the certificate store',
      happened: "The place where this PC keeps certificates (the certificate store) could not be opened.",
      todo: 'Restart the PC and try again. If it persists, contact the helpdesk.',
    },
    STORE_WRITE_FAILED: {
      title: 'Cannot save the certificate',
      happened: 'The new certificate could not be saved on this PC. Your current certificate is unchanged.',
      todo: 'Try again. If it persists, contact the helpdesk.',
    },
    VAULT_UNAVAILABLE: {
      title: "The PC's password storage is not available",
      happened: "The key protecting the renewal record could not be kept in this PC's password storage (where the operating system keeps secrets safe).",
      todo: 'Sign out and in again, then try again.',
    },
    JOURNAL_WRITE_FAILED: {
      title: 'Cannot write the renewal record',
      happened: 'The renewal record could not be written (for example, the disk is full).',
      todo: 'Free some disk space and try again.',
    },
    POLICY_INVALID: {
      title: "Your organisation's settings are wrong",
      happened: "CertDesk's settings, prepared by your company's IT (or the bank), have an error, so nothing can start.",
      todo: "Contact your company's IT department. The setting in error is shown under \"Details (for the helpdesk)\".",
    },
    BUSY: {
      title: 'Another renewal is running',
      happened: 'A renewal is already in progress.',
      todo: 'Wait for it to finish, then try again.',
    },
    CANCELLED: {
      title: 'Cancelled',
      happened: 'The renewal was cancelled. Your current certificate is unchanged.',
      todo: 'Start again when you want to renew.',
    },
    INVALID_INPUT: {
      title: 'A setting could not be accepted',
      happened: 'Something CertDesk was given could not be accepted. Nothing was changed.',
      todo: 'Try again. If it persists, give the helpdesk what "Details (for the helpdesk)" shows.',
    },
    INTERNAL: {
      title: 'An unexpected error occurred',
      happened: 'Something unexpected went wrong inside CertDesk.',
      todo: 'Save the diagnostics and contact the helpdesk.',
    },
  },
};
