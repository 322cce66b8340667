// The one PKCS#11 layer (src/main/core/store/pkcs11, issue 28): both targets, the NSS db's
// softoken and a module named by policy (softhsm2 here), go through one runner and one queue:
// an operation on one token waits for an operation on the other to settle, even an async one
// (a key made on the thread pool), and the same object functions read both. Each kind of
// token gets its measured template profile.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withModuleToken } from '../../src/main/core/store/pkcs11/module';
import { certificates, privateKeyIds } from '../../src/main/core/store/pkcs11/objects';
import { TEMPLATE_PROFILES, tokenKindOf } from '../../src/main/core/store/pkcs11/profiles';
import { withNssToken } from '../../src/main/core/store/pkcs11/softoken';
import { newNssDb } from '../support/nss-tools';
import { missing, startSofthsm, type TestToken } from '../support/tokens';

describe('template profiles per token kind', () => {
  it('are chosen by the module file; a module not measured gets the strict profile', () => {
    expect(tokenKindOf('/usr/lib/softhsm/libsofthsm2.so')).toBe('softhsm2');
    expect(tokenKindOf('/usr/lib/x86_64-linux-gnu/pkcs11/libtpm2_pkcs11.so')).toBe('tpm2');
    expect(tokenKindOf('/usr/lib/x86_64-linux-gnu/libsoftokn3.so')).toBe('nssSoftoken');
    expect(tokenKindOf('/usr/lib/x86_64-linux-gnu/opensc-pkcs11.so')).toBe('other');
    // The softoken must take NSS's CKA_ID; a card that refuses it keeps its own. No kind makes an extractable key.
    expect(TEMPLATE_PROFILES.nssSoftoken).toEqual({ extractable: false, idMustFollowConvention: true });
    for (const kind of ['softhsm2', 'tpm2', 'other'] as const) expect(TEMPLATE_PROFILES[kind]).toEqual({ extractable: false, idMustFollowConvention: false });
  });
});

const why = missing('softhsm2');
(why ? describe.skip : describe)('one runner, one queue for the softoken and a module', () => {
  let work: string;
  let token: TestToken;
  let db: string;

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'certdesk-pkcs11-layer-'));
    token = await startSofthsm(join(work, 'token'), 'Layer Card');
    db = newNssDb(work, 'nssdb');
  });
  afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('an operation on the db waits until an async one on the token has settled, then both read with the same functions', async () => {
    const order: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let entered!: () => void;
    const inToken = new Promise<void>((r) => (entered = r));
    const onToken = withModuleToken({ module: token.module, tokenLabel: token.label, pin: token.pin }, 'read', async (s) => {
      order.push('token: in');
      entered();
      await gate;
      order.push('token: out');
      return certificates(s).length;
    });
    await inToken;
    const onDb = withNssToken(db, 'read', (s) => {
      order.push('db');
      return { certs: certificates(s).length, keys: privateKeyIds(s).size };
    });
    // The db's operation is queued behind the token's open session, whatever the token.
    await new Promise((r) => setImmediate(r));
    expect(order).toEqual(['token: in']);
    release();
    expect(await onToken).toBe(0);
    expect(await onDb).toEqual({ certs: 0, keys: 0 });
    expect(order).toEqual(['token: in', 'token: out', 'db']);
  });

  it('a failed operation on one target does not stop the queue for the other', async () => {
    const wrong = withModuleToken({ module: token.module, tokenLabel: token.label, pin: '0000' }, 'read', () => 'in');
    const db2 = withNssToken(db, 'read', (s) => certificates(s).length);
    await expect(wrong).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE', detail: { reason: 'PIN_INCORRECT' } });
    expect(await db2).toBe(0);
  });
});
