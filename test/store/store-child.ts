// A process of its own for the tests that need one (a kill, a fresh softoken): opens the db
// and runs one store call, under whatever environment the test gives it. Prints the
// CoreError's code and reason as JSON when the call fails.
import { openNssStore } from '../../src/main/core/store';

const [action, dbDir, fingerprint] = process.argv.slice(2);
try {
  const store = await openNssStore({ dbDir: dbDir!, create: false });
  if (action === 'remove') await store.remove(fingerprint!);
  else await store.list([]);
} catch (err) {
  const e = err as { code?: string; detail?: { reason?: string }; message: string };
  console.log(JSON.stringify({ code: e.code, reason: e.detail?.reason, message: e.message }));
  process.exitCode = 1;
}
