// The TPM custodian: tpm2-pkcs11 over a software TPM (swtpm) on loopback, started and stopped here.
// ECDSA P-256 is what TLS 1.3 can use with a TPM key (swtpm's RSA has no PSS).
import { describe } from 'vitest';
import { tokenSuite } from './token-suite';
import { missing, startSwtpm } from '../support/tokens';

const why = missing('tpm');
if (why) console.warn(`TPM custody tests skipped: ${why}`);
(why ? describe.skip : describe)('PKCS#11 custodian on a TPM (swtpm + tpm2-pkcs11)', () => {
  tokenSuite({ start: startSwtpm, keyTypes: ['ecdsaP256', 'rsa2048'], storage: 'tpm' });
});
