// 取得 and renewal with keyStorage "pkcs11" on softhsm2 (see token-renewal-suite).
import { SOFTHSM_KIND, tokenRenewalSuite } from './token-renewal-suite';

tokenRenewalSuite(SOFTHSM_KIND);
