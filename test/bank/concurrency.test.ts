// Many requests of one account at the same moment: the bank decides them one after the
// other, so it issues exactly once; an identical resend of the request that won gets that
// certificate again, any other request is refused as the rules say. Other accounts are not
// held up. Driven by curl processes fired all at once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PerKeyQueue } from './per-key-queue';
import { BankServer, type SeededIdentity } from './server';
import { certsFromEst, curl, fingerprintOf, makeCsr, subj, tempDir, type HttpAnswer } from './tools';

const N = 20;
const CLOCK = new Date('2026-06-01T03:00:00Z');
let bank: BankServer;
let tmp: Awaited<ReturnType<typeof tempDir>>;
let data: Awaited<ReturnType<typeof tempDir>>;

beforeAll(async () => {
  tmp = await tempDir();
  data = await tempDir('bank-data-');
  bank = await BankServer.start({ dataDir: data.dir, clock: CLOCK });
});

afterAll(async () => {
  await bank?.stop();
  await tmp?.remove();
  await data?.remove();
});

/** N request bodies for `id`: every other one the same request, the rest each its own. */
async function bodies(id: string): Promise<string[]> {
  const same = (await makeCsr(tmp.dir, `${id}-same`, subj(id))).csrB64;
  const others = await Promise.all(Array.from({ length: N / 2 }, async (_, i) => (await makeCsr(tmp.dir, `${id}-other-${i}`, subj(id))).csrB64));
  return others.flatMap((other) => [same, other]);
}

/** One certificate issued for all N answers: who got it, and that everyone else was refused with `reason`. */
async function expectIssuedOnce(id: string, sent: string[], answers: HttpAnswer[], issuedBefore: number, reason: string): Promise<void> {
  const account = bank.account(id)!;
  expect(account.issued, `${id}: certificates issued`).toHaveLength(issuedBefore + 1);
  const won = answers.flatMap((a, i) => (a.status === 200 ? [i] : []));
  expect(won.length).toBeGreaterThan(0);
  // Every 200 carries the one certificate, for the one request that won or its identical resends.
  expect(new Set(won.map((i) => answers[i]!.body.toString('latin1'))).size).toBe(1);
  const winner = sent[won[0]!]!;
  expect(won).toEqual(sent.flatMap((b, i) => (b === winner ? [i] : [])));
  const [cert] = await certsFromEst(answers[won[0]!]!.body);
  expect(await fingerprintOf(cert!)).toBe(account.currentFingerprint);
  for (const [i, a] of answers.entries()) {
    if (a.status !== 200) expect({ i, status: a.status, reason: a.json().reason }).toEqual({ i, status: 403, reason });
  }
}

function reenrollAll(who: SeededIdentity & { cert: string; key: string }, sent: string[]): Promise<HttpAnswer[]> {
  return Promise.all(sent.map((body) => curl(`${bank.url}/simplereenroll`, {
    anchor: bank.trustAnchorPath, method: 'POST', body, contentType: 'application/pkcs10', cert: who.cert, key: who.key,
  })));
}

function enrollAll(id: string, password: string, sent: string[]): Promise<HttpAnswer[]> {
  return Promise.all(sent.map((body) => curl(`${bank.url}/simpleenroll`, {
    anchor: bank.trustAnchorPath, method: 'POST', body, contentType: 'application/pkcs10', user: `${id}:${password}`,
  })));
}

describe('the bank decides the requests of one account one at a time', () => {
  it(`${N} simultaneous renewals (更新) of one account: one certificate, the rest SUPERSEDED or the same certificate`, async () => {
    // 20 days left: inside the renewal window.
    const seeded = await bank.seedAccount('race-re', 20, 'pw-race-re', { keyType: 'ecdsaP256' });
    const who = { ...seeded, cert: await tmp.file('race-re.crt', seeded.certPem), key: await tmp.file('race-re.key', seeded.keyPem) };
    const sent = await bodies('race-re');
    await expectIssuedOnce('race-re', sent, await reenrollAll(who, sent), 1, 'SUPERSEDED');
  });

  it(`${N} simultaneous 取得 of one new account: one certificate, the rest RENEWAL_NOT_OPEN or the same certificate`, async () => {
    await bank.addAccount('race-en', 'pw-race-en');
    const sent = await bodies('race-en');
    await expectIssuedOnce('race-en', sent, await enrollAll('race-en', 'pw-race-en', sent), 0, 'RENEWAL_NOT_OPEN');
  });

  it('two accounts at once: each gets its one certificate', async () => {
    await Promise.all(['par-a', 'par-b'].map((id) => bank.addAccount(id, `pw-${id}`)));
    const sent = await Promise.all(['par-a', 'par-b'].map((id) => bodies(id)));
    const [a, b] = await Promise.all([enrollAll('par-a', 'pw-par-a', sent[0]!), enrollAll('par-b', 'pw-par-b', sent[1]!)]);
    await expectIssuedOnce('par-a', sent[0]!, a!, 0, 'RENEWAL_NOT_OPEN');
    await expectIssuedOnce('par-b', sent[1]!, b!, 0, 'RENEWAL_NOT_OPEN');
  });
});

describe('PerKeyQueue', () => {
  it('runs the tasks of one key in order, other keys alongside, and goes on after a failure', async () => {
    const q = new PerKeyQueue();
    const order: string[] = [];
    let releaseA!: () => void;
    const a1 = q.run('a', () => new Promise<void>((ok) => (releaseA = ok)).then(() => void order.push('a1')));
    const a2 = q.run('a', async () => void order.push('a2'));
    const a3 = q.run('a', () => Promise.reject(new Error('refused')));
    const a4 = q.run('a', async () => 'a4');
    // 'b' finishes while the first task of 'a' is still running.
    await q.run('b', async () => void order.push('b'));
    expect(order).toEqual(['b']);
    releaseA();
    await Promise.all([a1, a2]);
    await expect(a3).rejects.toThrow('refused');
    expect(await a4).toBe('a4');
    expect(order).toEqual(['b', 'a1', 'a2']);
  });
});
