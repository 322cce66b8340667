// Issue 29: the pre-processing (doctor, the window's 更新前処理) asks the bank for cacerts and
// csrattrs at once, so that the answer is on its way while the store is listed; the checks
// still report in their order. Shown without timing: the store's listing waits until the bank
// has been asked (an old order, bank after store, would leave it waiting for nothing).
// Real bank, real NSS db, Node's transport.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parsePolicy } from '../../src/main/core/config';
import type { EstTransport } from '../../src/main/core/est';
import { openNssStore, type CertificateStore } from '../../src/main/core/store';
import type { Bank } from '../bank';
import { bankInTemp, endBankInTemp, memoryVault, nssDbHolding } from '../support/bank-world';
import { nodeService } from '../support/node-service';

let root: string;
let bank: Bank;

beforeAll(async () => void ({ root, bank } = await bankInTemp('certdesk-preflight-early-')));
afterAll(() => endBankInTemp(root, bank));

describe('the pre-processing', { timeout: 60_000 }, () => {
  it('asks the bank before the store is listed; every check passes and reports in its order', async () => {
    const dir = join(root, 'w');
    const db = join(dir, 'nssdb');
    const seeded = await bank.seedAccount('early_pre', 20);
    nssDbHolding(db, seeded);
    const loaded = await parsePolicy({ bankName: 'Early Bank', endpoint: bank.url, trustAnchorPem: bank.trustAnchorPem, language: 'en' }, join(dir, 'policy.json'));
    const order: string[] = [];
    let asked: () => void = () => undefined;
    const bankAsked = new Promise<void>((resolve) => (asked = resolve));
    const real = await openNssStore({ dbDir: db });
    let lists = 0;
    // The service lists once for the overview it may read first; the preflight's listing is the one watched.
    const store = new Proxy(real, {
      get(target, key) {
        if (key === 'list') {
          return async (anchors: Uint8Array[]) => {
            if (++lists === 1) await Promise.race([bankAsked, new Promise((r) => setTimeout(r, 10_000).unref())]);
            order.push('store listed');
            return target.list(anchors);
          };
        }
        const v = Reflect.get(target, key) as unknown;
        return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
      },
    }) as CertificateStore;
    const checks: string[] = [];
    const service = nodeService({
      loaded: { policy: loaded.policy, managed: loaded.managed },
      store,
      vault: memoryVault(),
      journalDir: join(dir, 'data'),
      emit: (_name, p) => {
        const e = p as { kind?: string; check?: string; state?: string };
        if (e.kind === 'check' && e.state !== 'running') checks.push(`${e.check}:${e.state}`);
      },
      onTransport: (t: EstTransport): EstTransport => ({
        send: (req) => {
          const op = req.url.split('/').pop()!;
          order.push(`asked ${op}`);
          if (op === 'cacerts') asked();
          return t.send(req);
        },
        close: () => t.close(),
      }),
    });
    const r = await service.runPreflight(seeded.fingerprint);
    expect(r.ok, r.ok ? '' : r.error.message).toBe(true);
    expect(order.indexOf('asked cacerts')).toBeGreaterThanOrEqual(0);
    expect(order.indexOf('asked cacerts')).toBeLessThan(order.indexOf('store listed'));
    expect(order).toContain('asked csrattrs');
    expect(checks).toEqual(['policy:passed', 'store:passed', 'identity:passed', 'endpoint:passed', 'cacerts:passed', 'clock:passed']);
  });
});
