// The bank's rules at their boundaries (JST calendar days, the bank's own clock), driven
// by curl and openssl only. Seeded at C0 = 2026-06-01 12:00 JST with 40 days left:
// notAfter 2026-07-11T03:00Z, so E = 2026-07-11 JST; renewal opens 2026-06-11 JST
// (2026-06-10T15:00Z); 取得 runs until 2026-10-09 JST (2026-10-09T14:59:59Z).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BankServer, type SeededIdentity } from './server';
import { certsFromEst, curl, fingerprintOf, makeCsr, openssl, subj, tempDir } from './tools';

const C0 = new Date('2026-06-01T03:00:00Z');
const NOT_AFTER = new Date('2026-07-11T03:00:00Z');
const OPENS = new Date('2026-06-10T15:00:00Z');
const GRACE_END = new Date('2026-10-09T15:00:00Z');
const sec = (d: Date, s: number) => new Date(d.getTime() + s * 1000);

let bank: BankServer;
let tmp: Awaited<ReturnType<typeof tempDir>>;
let data: Awaited<ReturnType<typeof tempDir>>;
const ids = new Map<string, SeededIdentity & { cert: string; key: string }>();

beforeAll(async () => {
  tmp = await tempDir();
  data = await tempDir('bank-data-');
  bank = await BankServer.start({ dataDir: data.dir, clock: C0 });
  const names = ['open', 'at-expiry', 'after-expiry', 'grace-last', 'grace-over', 'early-acquire', 'subject', 'revoked', 'superseded', 'inactive', 'password', 'new-pc', 'new-pc-open'];
  await Promise.all(names.map(async (n) => {
    const id = await bank.seedAccount(n, 40, `pw-${n}`, { keyType: 'ecdsaP256' });
    ids.set(n, { ...id, cert: await tmp.file(`${n}.crt`, id.certPem), key: await tmp.file(`${n}.key`, id.keyPem) });
  }));
});

afterAll(async () => {
  await bank?.stop();
  await tmp?.remove();
  await data?.remove();
});

function who(n: string) {
  const id = ids.get(n);
  if (!id) throw new Error(`no seeded ${n}`);
  return id;
}

async function reenroll(n: string, subject = subj(n), identity: { cert: string; key: string } | null = who(n), stringMask?: 'pkix') {
  const csr = await makeCsr(tmp.dir, `${n}-re-${Math.random().toString(36).slice(2)}`, subject, 'ec', stringMask ? { stringMask } : {});
  return curl(`${bank.url}/simplereenroll`, {
    anchor: bank.trustAnchorPath, method: 'POST', body: csr.csrB64, contentType: 'application/pkcs10', ...(identity ? identity : {}),
  });
}

async function enroll(n: string, password = `pw-${n}`, subject = subj(n)) {
  const csr = await makeCsr(tmp.dir, `${n}-en-${Math.random().toString(36).slice(2)}`, subject);
  return curl(`${bank.url}/simpleenroll`, { anchor: bank.trustAnchorPath, method: 'POST', body: csr.csrB64, contentType: 'application/pkcs10', user: `${n}:${password}` });
}

function refusal(r: Awaited<ReturnType<typeof curl>>): Record<string, unknown> {
  return { status: r.status, type: r.headers['content-type'], ...r.json() };
}

describe('bank rules: the renewal window (更新)', () => {
  it('opens at 00:00 JST on E − 30 and not one second before', async () => {
    bank.setClock(sec(OPENS, -1));
    expect(refusal(await reenroll('open'))).toMatchObject({ status: 403, type: 'application/json', reason: 'RENEWAL_NOT_OPEN', opensOn: '2026-06-11' });
    bank.setClock(OPENS);
    const ok = await reenroll('open');
    expect(ok.status).toBe(200);
    expect(bank.account('open')?.currentFingerprint).toBe(await fingerprintOf((await certsFromEst(ok.body))[0]!));
  });

  it('is still open at the instant of notAfter and closes one second later (then 取得 is required)', async () => {
    bank.setClock(NOT_AFTER);
    expect((await reenroll('at-expiry')).status).toBe(200);
    bank.setClock(sec(NOT_AFTER, 1));
    expect(refusal(await reenroll('after-expiry'))).toMatchObject({ status: 403, reason: 'ACQUIRE_REQUIRED' });
    // … and 取得 opens at that same second.
    expect((await enroll('after-expiry')).status).toBe(200);
  });

  it('refuses a renewal without a client certificate, or with one from another CA', async () => {
    bank.setClock(OPENS);
    expect(refusal(await reenroll('subject', subj('subject'), null))).toMatchObject({ status: 403, reason: 'CLIENT_CERTIFICATE_REQUIRED' });
    // Same subject, same validity, but signed by a CA the bank never heard of.
    const caKey = await tmp.file('other-ca.key');
    const caCrt = await tmp.file('other-ca.crt');
    await openssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', caKey, '-out', caCrt, '-subj', '/CN=Other CA', '-days', '3650']);
    const csr = await makeCsr(tmp.dir, 'forged', subj('subject'));
    const csrPem = await openssl(['req', '-inform', 'DER'], csr.csrDer);
    const forged = await tmp.file('forged.crt');
    await openssl(['x509', '-req', '-CA', caCrt, '-CAkey', caKey, '-set_serial', '7', '-days', '30', '-out', forged], csrPem);
    expect(refusal(await reenroll('subject', subj('subject'), { cert: forged, key: csr.keyPath }))).toMatchObject({ status: 403, reason: 'UNKNOWN_CERTIFICATE' });
  });

  it('refuses a changed subject, and accepts the same one', async () => {
    bank.setClock(OPENS);
    expect(refusal(await reenroll('subject', '/C=JP/O=デモ信用金庫/OU=法人IB/CN=someone-else'))).toMatchObject({ status: 403, reason: 'SUBJECT_MISMATCH' });
    expect(refusal(await reenroll('subject', '/C=JP/O=デモ信用金庫/CN=subject'))).toMatchObject({ status: 403, reason: 'SUBJECT_MISMATCH' });
    // Same names and values, other string types (CN PrintableString, O BMPString): the text matches, the bytes do not.
    expect(refusal(await reenroll('subject', subj('subject'), who('subject'), 'pkix'))).toMatchObject({ status: 403, reason: 'SUBJECT_MISMATCH' });
    expect((await reenroll('subject')).status).toBe(200);
  });

  it('refuses a revoked certificate and a superseded one', async () => {
    bank.setClock(OPENS);
    bank.revoke(who('revoked').fingerprint);
    expect(refusal(await reenroll('revoked'))).toMatchObject({ status: 403, reason: 'REVOKED' });
    expect(refusal(await enroll('revoked'))).toMatchObject({ status: 403, reason: 'REISSUE_REQUIRED' });
    expect((await reenroll('superseded')).status).toBe(200);
    expect(refusal(await reenroll('superseded'))).toMatchObject({ status: 403, reason: 'SUPERSEDED' });
  });

  it('refuses an inactive account for both renewal and 取得', async () => {
    bank.setClock(OPENS);
    await bank.setAccountActive('inactive', false);
    expect(refusal(await reenroll('inactive'))).toMatchObject({ status: 403, reason: 'ACCOUNT_INACTIVE' });
    bank.setClock(sec(NOT_AFTER, 1));
    expect(refusal(await enroll('inactive'))).toMatchObject({ status: 403, reason: 'ACCOUNT_INACTIVE' });
  });
});

describe('bank rules: 取得 (simpleenroll)', () => {
  it('is refused while the certificate is valid (with the opening date) and while renewable', async () => {
    bank.setClock(sec(OPENS, -1));
    expect(refusal(await enroll('early-acquire'))).toMatchObject({ status: 403, reason: 'RENEWAL_NOT_OPEN', opensOn: '2026-06-11' });
    bank.setClock(NOT_AFTER);
    expect(refusal(await enroll('early-acquire'))).toMatchObject({ status: 403, reason: 'RENEWAL_REQUIRED' });
  });

  it('works on the last grace day (E + 90, 23:59:59 JST) and ends at 00:00 JST the next day', async () => {
    bank.setClock(sec(GRACE_END, -1));
    const ok = await enroll('grace-last');
    expect(ok.status).toBe(200);
    const [cert] = await certsFromEst(ok.body);
    expect(bank.account('grace-last')?.issued).toEqual([who('grace-last').fingerprint, await fingerprintOf(cert!)]);
    bank.setClock(GRACE_END);
    const over = refusal(await enroll('grace-over'));
    expect(over).toMatchObject({ status: 403, reason: 'REISSUE_REQUIRED' });
    expect(String(over.message)).toContain('2026-10-09');
    expect(refusal(await reenroll('grace-over'))).toMatchObject({ status: 403, reason: 'REISSUE_REQUIRED' });
  });

  it('answers a wrong password and an unknown account alike: 401, AUTH_FAILED, with the challenge', async () => {
    bank.setClock(sec(NOT_AFTER, 1));
    const wrong = await enroll('password', 'pw-wrong');
    const unknown = await enroll('nobody', 'pw-nobody');
    for (const r of [wrong, unknown]) {
      expect(refusal(r)).toMatchObject({ status: 401, reason: 'AUTH_FAILED' });
      expect(r.headers['www-authenticate']).toMatch(/^Basic realm=/);
    }
    expect((await enroll('password')).status).toBe(200);
  });

  it('refuses a request for another subject', async () => {
    await bank.addAccount('fresh', 'pw-fresh');
    expect(refusal(await enroll('fresh', 'pw-fresh', subj('someone-else')))).toMatchObject({ status: 403, reason: 'SUBJECT_MISMATCH' });
    expect((await enroll('fresh', 'pw-fresh')).status).toBe(200);
  });
});

describe('bank rules: a new or replaced PC (the IB administrator revokes the old certificate)', () => {
  it('refuses 取得 while the old certificate is valid, then issues at any date once the administrator revoked it', async () => {
    bank.setClock(C0);
    // The old PC's certificate is still valid: 取得 on the new PC is refused, retrying changes nothing.
    expect(refusal(await enroll('new-pc'))).toMatchObject({ status: 403, reason: 'RENEWAL_NOT_OPEN' });
    expect(refusal(await enroll('new-pc'))).toMatchObject({ status: 403, reason: 'RENEWAL_NOT_OPEN' });
    await bank.revokeByAdmin('new-pc');
    const ok = await enroll('new-pc');
    expect(ok.status).toBe(200);
    const [cert] = await certsFromEst(ok.body);
    const fresh = await fingerprintOf(cert!);
    expect(bank.account('new-pc')).toMatchObject({ currentFingerprint: fresh, issued: [who('new-pc').fingerprint, fresh] });
    // The old PC's certificate renews no more: it is told to 取得, not to go to the branch.
    bank.setClock(OPENS);
    expect(refusal(await reenroll('new-pc'))).toMatchObject({ status: 403, reason: 'ACQUIRE_REQUIRED' });
    expect(bank.state.certificates.get(who('new-pc').fingerprint)?.status).toBe('revokedByAdmin');
  });

  it('inside the renewal window: RENEWAL_REQUIRED before the revocation, a certificate after it', async () => {
    bank.setClock(OPENS);
    expect(refusal(await enroll('new-pc-open'))).toMatchObject({ status: 403, reason: 'RENEWAL_REQUIRED' });
    await bank.revokeByAdmin('new-pc-open');
    expect((await enroll('new-pc-open')).status).toBe(200);
  });

  it('is not the branch\'s revocation: that one still sends the user to the branch', async () => {
    bank.setClock(OPENS);
    expect(refusal(await enroll('revoked'))).toMatchObject({ status: 403, reason: 'REISSUE_REQUIRED' });
    await expect(bank.revokeByAdmin('nobody')).rejects.toThrow(/no current certificate/);
  });
});
