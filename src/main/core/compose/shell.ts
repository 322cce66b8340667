// What Electron's main process may load from the core at run time: pure helpers that reach no
// store, no PKCS#11 module and no vault (the core itself runs in its own process, see
// src/main/core-process). test/app/main-graph.test.ts checks the built main bundle for it.
export { msUntilNextCheck } from '../renewal/reminders';
export type { DueReminder } from '../renewal/reminders';
