// A process of its own for the removal kill test: opens the db and removes one certificate,
// under whatever CERTDESK_TEST_KILL_AT the test gives it.
import { openNssStore } from '../../src/main/core/store';

const [dbDir, fingerprint] = process.argv.slice(2);
const store = await openNssStore({ dbDir: dbDir!, create: false });
await store.remove(fingerprint!);
