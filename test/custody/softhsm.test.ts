// The PKCS#11 custodian on softhsm2 (a smart card's behaviour: non-extractable keys, a user PIN).
import { describe } from 'vitest';
import { tokenSuite } from './token-suite';
import { missing, startSofthsm } from '../support/tokens';

const why = missing('softhsm2');
if (why) console.warn(`softhsm2 custody tests skipped: ${why}`);
(why ? describe.skip : describe)('PKCS#11 custodian on softhsm2', () => {
  tokenSuite({ start: startSofthsm, keyTypes: ['ecdsaP256', 'rsa2048'], storage: 'pkcs11' });
});
