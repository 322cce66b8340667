// Counterexamples the fuzzers found, kept as fixed cases so that a fix stays fixed whatever
// seed a later run draws.
import { describe, expect, it } from 'vitest';
import { parsePolicy } from '../../src/main/core/config';
import { inspectCertificate, parseCertsOnly } from '../../src/main/core/pki';
import { expectCoreError } from './harness';

async function refusal(fn: () => unknown): Promise<string> {
  try {
    await fn();
  } catch (err) {
    return expectCoreError(err).code;
  }
  throw new Error('accepted a damaged input');
}

describe('fuzzer counterexamples', () => {
  it('a bare GeneralizedTime/UTCTime with a bad string is BAD_RESPONSE, not an asn1js exception', async () => {
    for (const b of [[0x18, 0x01, 0x41], [0x18, 0x00], [0x17, 0x01, 0x41], [0x30, 0x03, 0x18, 0x01, 0x41]]) {
      expect(await refusal(() => inspectCertificate(Uint8Array.from(b)))).toBe('BAD_RESPONSE');
      expect(await refusal(() => parseCertsOnly(Uint8Array.from(b)))).toBe('BAD_RESPONSE');
    }
  });

  it('a policy endpoint that is not a URL is POLICY_INVALID naming endpoint, not a TypeError', async () => {
    const pem = '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n';
    for (const endpoint of ['/nonexistent/x.pem', 'garbage.pem', '', 'https://']) {
      try {
        await parsePolicy({ bankName: 'b', endpoint, trustAnchorPem: pem }, '/etc/certdesk/policy.json');
        throw new Error(`accepted endpoint ${endpoint}`);
      } catch (err) {
        const e = expectCoreError(err);
        expect(e.code).toBe('POLICY_INVALID');
        expect(e.detail?.field).toBe('endpoint');
      }
    }
  });
});
