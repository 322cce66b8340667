// /csrattrs read into what CertDesk can honour (key type, signature hash) and what it
// ignores (named for the log): from the bank in its rich and default shapes, and odd lists.
import { join } from 'node:path';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNodeTransport, EstClient, readCsrAttrs, type EstTransport } from '../../src/main/core/est';
import { pemToDer } from '../../src/main/core/pki';
import { BankServer } from '../bank/server';

let work: string;
let rich: BankServer;
let plain: BankServer;
const transports: EstTransport[] = [];

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'certdesk-csrattrs-'));
  rich = await BankServer.start({ dataDir: join(work, 'rich'), csrAttrs: 'rich' });
  plain = await BankServer.start({ dataDir: join(work, 'plain') });
});
afterAll(async () => {
  for (const t of transports) t.close();
  await rich?.stop();
  await plain?.stop();
  await rm(work, { recursive: true, force: true });
});

async function attrsOf(bank: BankServer): Promise<Uint8Array> {
  const transport = createNodeTransport({ anchorsPem: bank.trustAnchorPem, proxy: 'direct', connectTimeoutMs: 5000, requestTimeoutMs: 10000 });
  transports.push(transport);
  const der = await new EstClient({ baseUrl: bank.url, transport, anchorsDer: pemToDer(bank.trustAnchorPem), pendingMaxAttempts: 0 }).csrattrs();
  expect(der).not.toBeNull();
  return der!;
}

describe('csrattrs', () => {
  it('the rich shape: an EC P-256 key and SHA-256 honoured; challengePassword and the extensionRequest named as ignored', async () => {
    expect(readCsrAttrs(await attrsOf(rich))).toEqual({
      keyType: 'ecdsaP256',
      hash: 'SHA-256',
      ignored: [
        'challengePassword: CertDesk never puts a password into the request (取得 sends it in the HTTP Basic header only)',
        'extensionRequest (macAddress): CertDesk cannot fill it in',
      ],
      // The same as codes with parameters, for the front ends' words.
      ignoredNotes: [{ code: 'CHALLENGE_PASSWORD' }, { code: 'EXTENSION_UNKNOWN', names: 'macAddress' }],
    });
  });

  it('the default shape: only signature algorithms, the first one wins, no key type', async () => {
    expect(readCsrAttrs(await attrsOf(plain))).toEqual({ hash: 'SHA-256', ignored: [], ignoredNotes: [] });
  });

  it('RSA sizes and curves CertDesk cannot make are ignored with the reason; 3072-bit RSA is honoured', () => {
    const hex = (h: string) => new Uint8Array(Buffer.from(h.replace(/\s/g, ''), 'hex'));
    // SEQUENCE { SEQUENCE { rsaEncryption, SET { INTEGER 3072 } }, SEQUENCE { ecPublicKey, SET { secp384r1 } }, ecdsa-with-SHA384 }
    const der = hex('3031 3011 06092a864886f70d010101 3104 02020c00 3010 06072a8648ce3d0201 3105 06052b81040022 06082a8648ce3d040303');
    expect(readCsrAttrs(der)).toEqual({ keyType: 'rsa3072', hash: 'SHA-384', ignored: ['ecPublicKey on secp384r1: CertDesk makes P-256 keys only'], ignoredNotes: [{ code: 'EC_CURVE', curve: 'secp384r1' }] });
    const small = hex('3013 3011 06092a864886f70d010101 3104 02020400');
    expect(readCsrAttrs(small).ignored).toEqual(['rsaEncryption of 1024 bits: CertDesk makes 2048- or 3072-bit RSA keys']);
    expect(readCsrAttrs(hex('3000'))).toEqual({ ignored: [], ignoredNotes: [] });
  });

  it.each([['not a SEQUENCE', '0500'], ['trailing bytes', '300000'], ['an entry that is an INTEGER', '3003020101'], ['an attribute without values', '300d300b06092a864886f70d010907']])(
    '%s is BAD_RESPONSE', (_what, h) => {
      expect(() => readCsrAttrs(new Uint8Array(Buffer.from(h, 'hex')))).toThrow(expect.objectContaining({ code: 'BAD_RESPONSE' }));
    });
});
