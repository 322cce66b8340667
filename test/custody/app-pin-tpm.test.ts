// The app's PIN asked per operation, on a TPM (swtpm + tpm2-pkcs11 behind tpm2-abrmd; see app-pin-suite).
import { appPinSuite } from './app-pin-suite';
import { TPM_KIND } from './token-renewal-suite';

appPinSuite(TPM_KIND, { wrongPins: 1 });
