// Several stores' locks: taken after the data folder's, in the order of their paths whatever
// the policy's order (so two runs sharing stores never wait on each other crosswise), all or
// none: a busy one releases those already taken.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { acquireLock, acquireRenewalLocks, type LockTarget } from '../../src/main/core/renewal/lock';

const root = mkdtempSync(join(tmpdir(), 'certdesk-lock-order-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;

function targets(): { data: LockTarget; a: LockTarget; b: LockTarget } {
  const d = join(root, `t${++n}`);
  return {
    data: { file: join(d, 'data', 'renewal.lock'), what: 'the data folder' },
    a: { file: join(d, 'a-store.lock'), what: 'store A', unwritable: 'STORE_WRITE_FAILED' },
    b: { file: join(d, 'b-store.lock'), what: 'store B', unwritable: 'STORE_WRITE_FAILED' },
  };
}

describe('the renewal locks of several stores', () => {
  it('all taken, all released', async () => {
    const t = targets();
    const release = await acquireRenewalLocks(t.data, t.b, t.a);
    for (const x of [t.data, t.a, t.b]) expect(existsSync(x.file), x.what).toBe(true);
    await release();
    for (const x of [t.data, t.a, t.b]) expect(existsSync(x.file), x.what).toBe(false);
  });

  it('taken in path order: with A (the first path) held, a run naming B first stops at A, never having taken B, and lets the data folder go', async () => {
    const t = targets();
    const holder = await acquireLock(t.a);
    await expect(acquireRenewalLocks(t.data, t.b, t.a)).rejects.toMatchObject({ code: 'BUSY' });
    expect(existsSync(t.b.file)).toBe(false);
    expect(existsSync(t.data.file)).toBe(false);
    await holder();
  });

  it('B busy: A and the data folder, already taken, are released', async () => {
    const t = targets();
    const holder = await acquireLock(t.b);
    const err = await acquireRenewalLocks(t.data, t.a, t.b).then(() => null, (e: unknown) => e as Error);
    expect(err).toMatchObject({ code: 'BUSY' });
    expect(err?.message).toContain('store B');
    expect(existsSync(t.a.file)).toBe(false);
    expect(existsSync(t.data.file)).toBe(false);
    await holder();
  });
});
