// The one place pkcs11js is loaded, and each PKCS#11 library (.so) through it, once per path
// per process: the NSS softoken (softoken.ts) and the module a policy names (module.ts) alike.
// pkcs11js is loaded lazily: the command line starts its listing before the rest has loaded,
// and a CertDesk without the addon still starts (a Windows or macOS store needs none).
import type * as Pkcs11Module from 'pkcs11js';
import { CoreError } from '../../errors';

export type Pkcs11 = InstanceType<typeof Pkcs11Module.PKCS11>;
export type Handle = Buffer;

const loaded = new Map<string, Pkcs11>();

/**
 * The library at `path`, loaded. `failed` words a library that would not load (it is the
 * target's to say what to install); a missing pkcs11js is always CertDesk's own install.
 */
export async function loadLibrary(path: string, failed: (err: unknown) => CoreError): Promise<Pkcs11> {
  const known = loaded.get(path);
  if (known) return known;
  let mod: typeof Pkcs11Module;
  try {
    const m = (await import('pkcs11js')) as typeof Pkcs11Module & { default?: typeof Pkcs11Module };
    mod = m.default ?? m;
  } catch (err) {
    throw new CoreError('STORE_UNAVAILABLE', 'The PKCS#11 module of CertDesk (pkcs11js) could not be loaded, so no certificate database or token can be read. Reinstall CertDesk.', { reason: 'PKCS11_MISSING' }, { cause: err });
  }
  const p11 = new mod.PKCS11();
  try {
    p11.load(path);
  } catch (err) {
    throw failed(err);
  }
  loaded.set(path, p11);
  return p11;
}
