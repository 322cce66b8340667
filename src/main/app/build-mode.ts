/// <reference types="vite/types/importMeta.d.ts" />
// Whether this main bundle is a development build. Vite replaces import.meta.env.MODE with
// the build's mode when electron-vite builds, so the answer is fixed in the bundle: nothing
// in a packaged app's environment (NODE_ENV included) can turn DevTools or debug logging on.

/** True only for `electron-vite dev` (mode development); false in packaged builds and under vitest (mode test). */
export function isDevelopmentBuild(): boolean {
  return import.meta.env.MODE === 'development';
}
