// Human output of the command line, in the policy's language (Japanese by default). The words
// are the one catalog's (src/shared/i18n, the window's too), read through i18next; this module
// only shapes them into the functions the commands call. Every error code has its words in
// both languages: a code without them does not compile.
import type { ApiError, CheckId, ErrorCode, Language, Phase, StepId, SupportView } from '../../shared/contract';
import { formatDay } from '../../shared/format';
import { REASON_TEXTS, reasonKey } from '../../shared/error-texts';
import { translator } from '../../shared/i18n';
import { pinTriesOf, type PinTries } from '../../shared/pin-tries';
import { ja as jaWords } from '../../shared/i18n/ja';
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
  /** The status listing's 重要なお知らせ line: the window's label and title. */
  noticeLine: string;
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
  /** After PIN_INCORRECT: what the token said of the tries left (detail.pinTries), as the window's PIN dialog says it. */
  pinTries: Record<PinTries, string>;
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

/** A catalog key, checked by the compiler ("cli.keysToRemove" stands for its plural forms). */
type Leaves<T, P extends string = ''> = {
  [K in keyof T & string]: T[K] extends string ? `${P}${K extends `${infer B}_${'one' | 'other'}` ? B : K}` : T[K] extends readonly unknown[] ? never : Leaves<T[K], `${P}${K}.`>;
}[keyof T & string];
type Key = Leaves<typeof jaWords>;

/** The command line's catalog: every entry is the one catalog's words, read through i18next. */
function catalog(lang: Language): Catalog {
  const tr = translator(lang);
  const w = (key: Key, values?: Record<string, string | number>): string => tr(key, values ?? {});
  const keysOf = <K extends string>(o: Record<K, unknown>): K[] => Object.keys(o) as K[];
  const table = <K extends string>(o: Record<K, unknown>, prefix: string): Record<K, string> =>
    Object.fromEntries(keysOf(o).map((k) => [k, w(`${prefix}.${k}` as Key)])) as Record<K, string>;
  return {
    lang,
    phase: table(jaWords.phase, 'phase'),
    check: table(jaWords.preflight.check, 'preflight.check'),
    step: table(jaWords.issuing.step, 'issuing.step'),
    error: table(jaWords.cli.error, 'cli.error'),
    none: w('cli.none'),
    holder: w('home.holder'),
    fingerprint: w('details.sha256'),
    expires: w('home.expiry'),
    daysLeft: (n) => (n >= 0 ? w('cli.daysLeft', { count: n }) : w('cli.daysAgo', { count: -n })),
    opensOn: w('cli.opensOn'),
    graceEndsOn: w('cli.graceEndsOn'),
    key: (has) => w(has ? 'cli.keyPresent' : 'cli.keyMissing'),
    notice: w('home.noticeTitle'),
    noticeLine: w('cli.noticeLine', { label: w('home.noticeLabel'), title: w('home.noticeTitle') }),
    confirmRenew: (holder) => w('cli.confirmRenew', { holder }),
    confirmAcquire: (id) => w('cli.confirmAcquire', { id }),
    declined: w('cli.declined'),
    passwordPrompt: w('cli.passwordPrompt'),
    done: w('done.heading'),
    closeBrowser: w('cli.closeBrowser'),
    replaced: (removed) => w(removed ? 'done.removedOld' : 'done.keptOld'),
    passed: w('cli.passed'),
    failed: w('cli.failed'),
    othersChanged: (what) => w('cli.othersChanged', { what }),
    keyWithoutCertificate: (label, id, ours) => w('cli.keyWithoutCertificate', { label, id, tail: w(ours ? 'cli.keyOurs' : 'cli.keyNotOurs') }),
    keysToRemove: (count, where) => w('cli.keysToRemove', { count, where }),
    recovered: (o) => w(o === 'resumed' ? 'cli.recovered.resumed' : o === 'rolledBack' ? 'cli.recovered.rolledBack' : 'cli.recovered.other'),
    unfinished: (op, step, at, tried) => w(tried ? 'cli.unfinishedTried' : 'cli.unfinished', { operation: w(`cli.operation.${op}`), step, at, command: op }),
    detail: w('error.detail'),
    notYetDue: (date) => w('cli.notYetDue', { date }),
    skipped: w('cli.skipped'),
    today: w('cli.today'),
    pin: table(jaWords.cli.pin, 'cli.pin'),
    pinTries: table(jaWords.pin.tries, 'pin.tries'),
    superseded: w('cli.superseded'),
    supersededHelp: (newer) => w('cli.supersededHelp', { newer }),
    removedSuperseded: (fingerprint) => w('cli.removedSuperseded', { fingerprint }),
    managed: w('cli.managed'),
    opensOn_: (date) => w('cli.opensOnDate', { date }),
    validElsewhere: w('cli.validElsewhere'),
    usage: usageWords(w),
    state: table(jaWords.cli.state, 'cli.state'),
    support: (s) => (s ? w('cli.contact', { contact: contactLine(s) }) : w('support.noneNoBank')),
    newPc: (url) =>
      [w('cli.newPc.intro'), `  ${w('cli.newPc.revoke')}`, `  ${w('cli.newPc.renewOld')}`, ...(url ? [`  ${w('cli.newPc.guide', { url })}`] : [])].join('\n'),
    choosePrompt: (count) => w('cli.choosePrompt', { count }),
    version: w('cli.version'),
    policyMissing: w('cli.policyMissing'),
    stateFolderNotOwned: w('cli.stateFolderNotOwned'),
    policyOrigins: w('cli.policyOrigins'),
    policyIgnored: (field, file, by, reason) => w('cli.policyIgnored', { field, file, by, who: w(`cli.setBy.${reason}`) }),
    keyStorageSoftware: (count) => w('cli.keyStorageSoftware', { count }),
    keyStorageSoftwareMac: w('cli.keyStorageSoftwareMac'),
    proxyAuthApp: w('cli.proxyAuthApp'),
    request: { title: w('cli.requestTitle'), keyType: w('request.keyType'), hash: w('request.hash'), honoured: w('request.honoured'), ignored: w('request.ignored') },
    resumesAtStart: w('cli.resumesAtStart'),
    pending: (attempt, s, time) =>
      w('issuing.pending', { attempt, time, wait: s < 60 ? w('issuing.waitSeconds', { count: s }) : w('issuing.waitMinutes', { count: Math.ceil(s / 60) }) }),
  };
}

function usageWords(w: (key: Key, values?: Record<string, string | number>) => string): UsageWords {
  const maybe = (suggestion?: string): string => (suggestion ? w('cli.usage.didYouMean', { suggestion }) : '');
  return {
    unknownCommand: (name, g) => w('cli.usage.unknownCommand', { name, didYouMean: maybe(g) }),
    unknownOption: (name, g) => w('cli.usage.unknownOption', { name, didYouMean: maybe(g) }),
    missingArgument: (name) => w('cli.usage.missingArgument', { name }),
    missingOption: (name) => w('cli.usage.missingOption', { name }),
    excessArguments: (name) => w('cli.usage.excessArguments', { name }),
    noCommand: w('cli.usage.noCommand'),
    badLang: (value) => w('cli.usage.badLang', { value }),
    badFingerprint: (value) => w('cli.usage.badFingerprint', { value }),
    noSuchFingerprint: (value, list) => w('cli.usage.noSuchFingerprint', { value, list }),
    chooseOne: (list) => w('cli.usage.chooseOne', { list }),
    needYes: (command) => w('cli.usage.needYes', { command }),
    needPasswordEnv: w('cli.usage.needPasswordEnv'),
    envUnset: (name) => w('cli.usage.envUnset', { name }),
    other: (message) => w('cli.usage.other', { message }),
  };
}

// Built on first use, one language only: building both at load cost every run (status too)
// 10–16 ms of CPU in i18next (issue 29).
const built: Partial<Record<Language, Catalog>> = {};
export const catalogs: Record<Language, Catalog> = {
  get ja() {
    return (built.ja ??= catalog('ja'));
  },
  get en() {
    return (built.en ??= catalog('en'));
  },
};

/**
 * The first line of an error: the catalog's words for its code. A proxy that wants a password
 * gets advice for the transport that met it: Node's (the command line without the app) takes
 * credentials from HTTPS_PROXY; the app's Chromium stack (the headless command) does not, and
 * asks for them in the app. Node's error always carries the proxy's HTTP status
 * (core/est/transport-errors.ts), Chromium's never does (net gives only its error code).
 */
export function errorHeadline(c: Catalog, e: Pick<ApiError, 'code' | 'detail'>, appTransport: boolean, validElsewhere = false): string {
  if (validElsewhere) return c.validElsewhere;
  if (e.detail?.reason === 'NOT_INSTALLED') return c.policyMissing;
  const pin = e.detail?.reason;
  if (pin === 'PIN_INCORRECT') return `${c.pin.PIN_INCORRECT}${c.lang === 'ja' ? '' : ' '}${c.pinTries[pinTriesOf(e.detail) ?? 'unknown']}`;
  if (pin === 'PIN_REQUIRED' || pin === 'PIN_LOCKED') return c.pin[pin];
  if (e.detail?.reason === 'STATE_FOLDER_NOT_OWNED') return c.stateFolderNotOwned;
  const own = reasonKey(e);
  if (own === 'FIREFOX_RUNNING' || own === 'FIREFOX_NO_PROFILE' || own === 'KEY_STORAGE_NOT_HERE') {
    const t = REASON_TEXTS[c.lang][own]!;
    return `${t.happened} ${t.todo}`;
  }
  if (e.code === 'RENEWAL_NOT_OPEN' && typeof e.detail?.opensOn === 'string') return c.opensOn_(formatDay(e.detail.opensOn, c.lang));
  if (e.code === 'PROXY_AUTH_REQUIRED' && appTransport && typeof e.detail?.status !== 'number') return c.proxyAuthApp;
  if (e.detail?.resumesAtStart === true) return c.resumesAtStart;
  return c.error[e.code];
}
export type { Catalog };
