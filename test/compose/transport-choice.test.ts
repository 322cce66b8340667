// One rule for which transport carries a request: the desktop app, the headless mode and
// the command line all go through chooseTransport.
import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { chooseTransport, type ChromiumTransport } from '../../src/main/core/compose/transport';
import type { EstTransport } from '../../src/main/core/est';
import { CoreError } from '../../src/main/core/errors';
import type { Policy } from '../../src/shared/policy';

const policy = {
  bankName: 'Test', endpoint: 'https://127.0.0.1:1/.well-known/est', trustAnchorPem: '', keyType: 'rsa2048', renewWindowDays: 30, graceDays: 90,
  reminderDays: [30, 10], removeSuperseded: true, proxy: 'direct', language: 'ja', stores: ['os'], connectTimeoutMs: 1000, requestTimeoutMs: 1000,
  pendingMaxAttempts: 1, maxClockSkewSeconds: 300, keyStorage: 'store', rememberPin: false, autoRenew: false, checkTime: '10:00', remindersAtLogin: true,
} satisfies Policy;

function recordingChromium() {
  const calls: string[] = [];
  const chromium: ChromiumTransport = {
    open: (p) => {
      calls.push(`open ${p.endpoint}`);
      const t: EstTransport = { send: async () => ({ status: 200, headers: {}, body: new Uint8Array() }), close: () => calls.push('close') };
      return t;
    },
    onRenewing: (fp) => calls.push(`renewing ${fp}`),
  };
  return { chromium, calls };
}

const fp = 'ab'.repeat(32);

/** A real anchor, so that Node's transport (which checks it) can be built. */
const anchorPem = execFileSync('sh', ['-c', 'openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout /dev/null -subj /CN=anchor -days 1 2>/dev/null'], { encoding: 'utf8' });

describe('chooseTransport', () => {
  it('OS store with Chromium: the certificate is presented from the store by fingerprint', async () => {
    const { chromium, calls } = recordingChromium();
    const choice = chooseTransport(policy, 'os', chromium);
    expect(await choice.identityFor?.(fp)).toEqual({ fingerprint: fp });
    const t = choice.transportFor({ fingerprint: fp });
    t.close();
    expect(calls).toEqual([`renewing ${fp}`, `open ${policy.endpoint}`, 'renewing null', 'close']);
  });

  it('requests without an identity (cacerts, 取得) also go through Chromium when it is there', () => {
    const { chromium, calls } = recordingChromium();
    chooseTransport(policy, 'os', chromium).transportFor();
    expect(calls).toEqual([`open ${policy.endpoint}`]);
  });

  it('an explicit NSS db lends its key to Node: no fingerprint identity', () => {
    const { chromium } = recordingChromium();
    expect(chooseTransport(policy, 'nss:/tmp/db', chromium).identityFor).toBeUndefined();
    // Without Chromium (the command line) every request goes through Node's https.
    const t = chooseTransport({ ...policy, trustAnchorPem: anchorPem }, 'nss:/tmp/db').transportFor();
    expect(typeof t.send).toBe('function');
    t.close();
  });

  it('without Chromium a store-held key cannot be presented: KEY_MISSING saying what to do', () => {
    const choice = chooseTransport(policy, 'os');
    expect(choice.identityFor).toBeUndefined();
    let caught: unknown;
    try {
      choice.transportFor({ fingerprint: fp });
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(CoreError);
    expect((caught as CoreError).code).toBe('KEY_MISSING');
    expect((caught as CoreError).message).toMatch(/--identity|--headless/);
  });
});
