// The custodian a keyStorage gets on these stores, as the renewal gets it: the store layer's
// one custody decision (store/custody-decision), then its custodian.
import type { KeyStorage } from '../../src/shared/policy';
import { decideCustody, openCustody, type CertificateStore, type Custody, type KeyCustodian } from '../../src/main/core/store';

export function custodyFor(stores: CertificateStore[], storage: KeyStorage, log?: (line: string) => void): Custody {
  return openCustody(decideCustody({ keyStorage: storage }, stores), stores, log ? { log } : {});
}

export function custodianFor(stores: CertificateStore[], storage: KeyStorage, log?: (line: string) => void): KeyCustodian {
  return custodyFor(stores, storage, log).custodian();
}
