// The login keychain as the macOS store and the key custodian both read it: where it is, the
// tool, its listing and how a failed run is read. Its own module so that the store (which
// offers the custodian) and the custodian do not import each other.
import { homedir } from 'node:os';
import { join } from 'node:path';
import { CoreError } from '../../errors';
import { tryCertFacts } from '../certs';
import type { Pkcs12Profile } from '../pkcs12-profile';
import type { RunResult } from '../types';
import { parseFindCertificate, parseFindIdentity, parseSecurityError, type MacCertBlock } from './parse';
import type { ErrorReason } from '../../../../shared/contract';

export interface MacStoreOptions {
  /** `sw_vers -productVersion`: picks the PKCS#12 profile. */
  productVersion: string;
  /** Default: ~/Library/Keychains/login.keychain-db. */
  keychain?: string;
  tempRoot?: string;
  timeoutMs?: number;
}

export const SECURITY = '/usr/bin/security';

/** The keychain an adapter works on: the policy's, else the user's login keychain. */
export function keychainOf(opts: Pick<MacStoreOptions, 'keychain'>): string {
  return opts.keychain ?? join(homedir(), 'Library', 'Keychains', 'login.keychain-db');
}

export interface Item {
  block: MacCertBlock;
  sha256: string; // lowercase
  hasKey: boolean;
  label?: string;
}

/**
 * Every certificate of the keychain and whether it is an identity (paired with its private
 * key). find-identity without -v lists an identity whether or not macOS trusts its chain
 * ("Matching identities", with CSSMERR_TP_NOT_TRUSTED appended): the pairing is macOS's
 * own, by the key's public-key hash; trust is never asked of macOS.
 */
export async function readKeychain(sec: (args: string[]) => Promise<RunResult>, keychain: string): Promise<Item[]> {
  // -Z prints the hashes (it does not select by one, fixtures §8.1): filter here.
  const certs = await sec(['find-certificate', '-a', '-Z', '-p', keychain]);
  if (certs.code !== 0) throw macFailure(certs, 'read', keychain);
  const ids = await sec(['find-identity', keychain]);
  if (ids.code !== 0) throw macFailure(ids, 'read', keychain);
  const identities = new Map(parseFindIdentity(ids.stdout).map((i) => [i.sha1, i]));
  return parseFindCertificate(certs.stdout).flatMap((block) => {
    const facts = tryCertFacts(block.der);
    if (!facts) return [];
    const id = identities.get(block.sha1);
    return [{ block, sha256: facts.sha256, hasKey: id !== undefined, ...(id ? { label: id.label } : {}) }];
  });
}

export function macFailure(r: RunResult, action: 'read' | 'write', keychain: string, profile?: Pkcs12Profile): CoreError {
  const e = parseSecurityError(r.stderr);
  const msg = e?.message ?? (r.stderr.trim().split(/\r?\n/)[0] ?? '');
  const detail = <R extends ErrorReason>(reason: R) => ({ reason, exitCode: r.code, ...(e ? { function: e.fn } : {}) });
  if (/MAC verification failed|passphrase you entered is not correct/i.test(msg)) {
    const hint = profile === 'legacy' ? '' : ' If this Mac runs a macOS older than it reports, it cannot read AES-encrypted PKCS#12.';
    return new CoreError('STORE_WRITE_FAILED', `macOS refused the temporary PKCS#12 file ("${msg}").${hint} Export diagnostics and contact support.`, detail('PKCS12_REJECTED'));
  }
  if (/User interaction is not allowed|keychain is locked|interaction/i.test(msg)) {
    return new CoreError('STORE_UNAVAILABLE', 'The login keychain is locked. Unlock it (Keychain Access, or log in again), then try again.', detail('KEYCHAIN_LOCKED'));
  }
  if (/keychain could not be found|No such keychain/i.test(msg)) {
    return new CoreError('STORE_UNAVAILABLE', `The keychain ${keychain} does not exist. Check the keychain set in policy, or repair it in Keychain Access.`, detail('KEYCHAIN_MISSING'));
  }
  if (/Unable to decode|Unknown format|format unsupported/i.test(msg)) {
    return new CoreError('STORE_WRITE_FAILED', `macOS could not read the certificate data ("${msg}"). Export diagnostics and contact support.`, detail('BAD_DER'));
  }
  return action === 'write'
    ? new CoreError('STORE_WRITE_FAILED', `Writing into ${keychain} failed: ${msg || `exit code ${r.code}`}. Unlock the login keychain and try again.`, detail('TOOL_ERROR'))
    : new CoreError('STORE_UNAVAILABLE', `Reading ${keychain} failed: ${msg || `exit code ${r.code}`}. Unlock the login keychain and try again.`, detail('TOOL_ERROR'));
}
