import type { ApiEvent, CertDeskApi, CertDeskEvents } from '../../../shared/contract';
import type { Policy } from '../../../shared/policy';
import type { EstTransport } from '../est';
import type { CertificateStore, KeyCustodian, KeyCustodyDecision } from '../store';
import type { Vault } from '../vault';
import type { LoadedPolicy, Settings } from '../config';
import type { DueReminder } from './reminders';

/** How the transport authenticates with the current certificate (renewal, mutual TLS). */
export type TransportIdentity =
  | { pkcs12: Uint8Array; password: string }
  | { certPem: string; keyPem: string }
  /** The key stays in its PKCS#11 token (tpm, pkcs11): OpenSSL's pkcs11 engine signs (the command line). */
  | { certPem: string; engineKey: { keyUri: string; pin: string; module: string } }
  /** Chromium picks the key from the OS store by fingerprint (the Electron transport). */
  | { fingerprint: string };

export type Emitter = <E extends ApiEvent>(event: E, payload: CertDeskEvents[E]) => void;

export interface RenewalDeps {
  policy: Policy;
  /** Where the policy came from and which fields it sets (diagnostics, settings view). */
  policySource?: string;
  managed?: string[];
  /**
   * Every field some layer sets (built-in, per-user, machine, registry; --policy's file), and
   * where from. `managed` lists only the machine's: the request's key type follows the bank's
   * /csrattrs only when no layer sets keyType.
   */
  origins?: Record<string, string>;
  /** Fields of the per-user policy file that the bank's or IT's layer sets instead (diagnostics lists them). */
  ignoredPolicy?: NonNullable<LoadedPolicy['ignored']>;
  /** The primary store: the certificates listed, shown and renewed are its own (the policy's first). */
  store: CertificateStore;
  /**
   * Every store the renewal writes, the primary first (the policy's `stores`). Each gets the
   * new certificate, each is verified, and only then is the superseded one removed from each.
   * Default: the primary alone.
   */
  stores?: CertificateStore[];
  /**
   * Where the renewal's key is made and kept (issue 28: decided once, by the store layer's
   * decideCustody from the policy and the stores). Compose passes its decision; default: the
   * same function over these stores.
   */
  custody?: KeyCustodyDecision;
  /** The decision's custodian, made by the entry: compose makes a `module` custody's (tpm / pkcs11 with an NSS store; it holds the PIN). Default: the store layer's for the decision. */
  custodian?: KeyCustodian;
  /** Seals a `software` key in the journal; a key that lives in a token never needs it. */
  vault: Vault;
  settings: Settings;
  transportFor(identity?: TransportIdentity): EstTransport;
  /**
   * The renewal identity for a certificate. Default: the store lends it in memory
   * (store.exportIdentity) where it can, else `{ fingerprint }` for a transport that selects it itself.
   */
  identityFor?(fingerprint: string): Promise<TransportIdentity>;
  now?: () => Date;
  emit: Emitter;
  journalDir: string;
  /**
   * Throws while a store cannot be written now (Firefox running with its profile). Asked
   * before the bank is, so that nothing is issued that could not be installed, and by the
   * preflight's store check.
   */
  readyToWrite?: () => void | Promise<void>;
  /** Versions for diagnostics: app, node, electron, … */
  versions?: Record<string, string>;
  /**
   * Whether getOverview finishes an interrupted renewal first (default true: the app does at
   * start). False makes reading read-only: no store write, no network; the overview's
   * `unfinished` says what waits.
   */
  recoverOnRead?: boolean;
  /**
   * Shows a due reminder (the desktop's notification). Every overview takes the reminders
   * due and records them; without `remind` (the command line) nothing is taken.
   */
  remind?: (reminder: DueReminder) => void;
  /**
   * A line for the log (what the bank's /csrattrs asked and what CertDesk did with it).
   * Never given a secret.
   */
  log?: (line: string) => void;
  /** Waits between 202 retries; tests and the CLI may shorten it. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

export interface RecoveryOutcome {
  outcome: 'resumed' | 'rolledBack' | 'pending';
  operation: 'renew' | 'acquire';
  /** The certificate installed by a resumed renewal. */
  fingerprint?: string;
  /** Why a journal is still pending (e.g. the bank could not be reached). */
  error?: import('../../../shared/contract').ApiError;
}

/** CertDeskApi minus what the Electron shell adds (saveDiagnostics, openBankSite). */
export type CoreService = Omit<CertDeskApi, 'saveDiagnostics' | 'openBankSite'> & {
  /**
   * Finishes or rolls back an interrupted renewal. Runs by itself before every other
   * method; call it at start to surface the outcome early. `credentials` lets an
   * interrupted 取得 resend its request.
   */
  recover(opts?: { credentials?: { loginId: string; password: string } }): Promise<RecoveryOutcome | null>;
};
