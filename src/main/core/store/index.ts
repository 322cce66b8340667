// The store module's surface (docs/core-modules.md); everything else in this folder is private.
export type { CertificateStore, StoredIdentity, InstallOptions, VerifyOptions, CommandRunner, RunOptions, RunResult } from './types';
export type { KeyCustodian, KeyRequestSpec, KeyRequest, AttachOptions, HasKeyCustodian } from './custody';
export { decideCustody, openCustody, type Custody, type CustodyOptions, type KeyCustodyDecision } from './custody-decision';
export { createPkcs11Custodian, type Pkcs11CustodianOptions } from './pkcs11/custody';
export { describeTarget, withModuleToken, type ModuleTarget } from './pkcs11/module';
export { registerModule } from './nss/module-registration';
export { withModuleView, type ModuleView } from './nss/module-view';
export { createCommandRunner, type RunnerOptions } from './runner';
export { openNssStore, defaultNssDbDir, type NssStoreOptions } from './nss/store';
export { findFirefoxProfileDbs } from './nss/firefox';
export { createWindowsStore, type WindowsStoreOptions } from './windows/store';
export { createMacStore, type MacStoreOptions } from './macos/store';
export { windowsBuildOf, windowsProfile, macosProfile, type Pkcs12Profile } from './pkcs12-profile';
export { openStoreFor } from './open';
