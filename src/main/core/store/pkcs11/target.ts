// The token a `tpm` or `pkcs11` keyStorage names: policy's pkcs11.module and .tokenLabel;
// for `tpm` the module defaults to Debian's tpm2-pkcs11 (libtpm2-pkcs11-1) and the label to
// "CertDesk" (the token IT makes with tpm2_ptool addtoken --label CertDesk).
import { existsSync } from 'node:fs';
import type { Policy } from '../../../../shared/policy';
import { CoreError } from '../../errors';
import type { ModuleTarget } from './module';

const TPM2_PKCS11 = ['/usr/lib/x86_64-linux-gnu/pkcs11/libtpm2_pkcs11.so', '/usr/lib/aarch64-linux-gnu/pkcs11/libtpm2_pkcs11.so'];
export const DEFAULT_TPM_TOKEN_LABEL = 'CertDesk';

export function moduleTargetFor(policy: Pick<Policy, 'keyStorage' | 'pkcs11'>, pin: string | undefined): ModuleTarget {
  const set = policy.pkcs11;
  const withPin = pin === undefined ? {} : { pin };
  if (policy.keyStorage === 'tpm') {
    const module = set?.module ?? TPM2_PKCS11.find((p) => existsSync(p)) ?? TPM2_PKCS11[0]!;
    return { module, tokenLabel: set?.tokenLabel ?? DEFAULT_TPM_TOKEN_LABEL, ...withPin };
  }
  if (policy.keyStorage === 'pkcs11') {
    if (!set?.module || !set.tokenLabel) {
      throw new CoreError('POLICY_INVALID', 'keyStorage "pkcs11" needs pkcs11.module (the module\'s path) and pkcs11.tokenLabel in the policy. Ask your IT staff.', { field: 'pkcs11' });
    }
    return { module: set.module, tokenLabel: set.tokenLabel, ...withPin };
  }
  throw new CoreError('INTERNAL', `keyStorage "${policy.keyStorage}" names no PKCS#11 token.`);
}
