// The renderer's one typed accessor to the contract (exposed by the preload).
import type { CertDeskBridge } from '../../shared/contract';

declare global {
  interface Window {
    certdesk?: CertDeskBridge;
  }
}

export function api(): CertDeskBridge {
  const bridge = window.certdesk;
  if (!bridge) throw new Error('CertDesk bridge missing: the preload did not run.');
  return bridge;
}
