// Which PKCS#12 encryption each OS version imports (fixtures/os-store-outputs.md §10):
// AES-256/PBKDF2/SHA-256 ("modern") from Windows 10 1709 (build 16299) and macOS 15;
// before that, only 3DES + SHA-1 MAC ("legacy").
export type Pkcs12Profile = 'modern' | 'legacy';

export const WINDOWS_MODERN_PKCS12_BUILD = 16299;
export const MACOS_MODERN_PKCS12_MAJOR = 15;

/** `os.release()` on Windows is "10.0.<build>". */
export function windowsBuildOf(release: string): number {
  const build = Number(release.split('.')[2]);
  return Number.isFinite(build) ? build : 0;
}

export function windowsProfile(build: number): Pkcs12Profile {
  return build >= WINDOWS_MODERN_PKCS12_BUILD ? 'modern' : 'legacy';
}

/** `sw_vers -productVersion`, e.g. "14.4.1" or "15.0". */
export function macosProfile(productVersion: string): Pkcs12Profile {
  const major = Number(productVersion.trim().split('.')[0]);
  return Number.isFinite(major) && major >= MACOS_MODERN_PKCS12_MAJOR ? 'modern' : 'legacy';
}
