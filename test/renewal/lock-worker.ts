// A lock contender in its own process (test/renewal/lock.test.ts). Each stdin line is a JSON
// order: { id, at, data?, store } tries the store lock (and the data folder's first when
// `data` is given) once the clock reaches `at` (a shared start line, so that the contenders
// of a pair race); { release: id } lets go of what that order won.
import { createInterface } from 'node:readline';
import { acquireLock, acquireRenewalLocks } from '../../src/main/core/renewal/lock';

const held = new Map<number, () => Promise<void>>();
const rl = createInterface({ input: process.stdin });
rl.on('line', (line) => {
  const order = JSON.parse(line) as { id: number; at: number; data?: string; store: string } | { release: number };
  void (async () => {
    if ('release' in order) {
      await held.get(order.release)?.();
      held.delete(order.release);
      process.stdout.write(JSON.stringify({ released: order.release }) + '\n');
      return;
    }
    while (Date.now() < order.at) {
      // spin: a timer would add up to a millisecond of jitter
    }
    const store = { file: order.store, what: 'the test store' };
    try {
      const unlock = order.data ? await acquireRenewalLocks({ file: order.data, what: 'the test data folder' }, store) : await acquireLock(store);
      held.set(order.id, unlock);
      process.stdout.write(JSON.stringify({ id: order.id, won: true }) + '\n');
    } catch (err) {
      process.stdout.write(JSON.stringify({ id: order.id, won: false, code: (err as { code?: string }).code, message: (err as Error).message }) + '\n');
    }
  })();
});
