export { createRenewalService } from './service';
export type { CoreService, Emitter, RecoveryOutcome, RenewalDeps, TransportIdentity } from './types';
