// 取得 and renewal with keyStorage "tpm" on a swtpm TPM behind tpm2-pkcs11 (see token-renewal-suite).
import { TPM_KIND, tokenRenewalSuite } from './token-renewal-suite';

tokenRenewalSuite(TPM_KIND);
