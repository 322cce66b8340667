// Module resolution hook: `electron` (and electron/main) → ./electron.mjs.
const stub = new URL('./electron.mjs', import.meta.url).href;

export async function resolve(specifier, context, next) {
  if (specifier === 'electron' || specifier === 'electron/main') return { url: stub, shortCircuit: true, format: 'module' };
  return next(specifier, context);
}
