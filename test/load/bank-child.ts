// The bank simulator in its own process, so that its memory is measured alone: the parent
// asks over IPC for accounts and for a memory reading (heap after a full GC, and RSS).
import { BankServer } from '../bank/server';

const dataDir = process.argv[2]!;
const bank = await BankServer.start({ dataDir, port: 0 });
const gc = (globalThis as { gc?: () => void }).gc;

type Msg = { id: number; op: 'accounts'; prefix: string; count: number } | { id: number; op: 'memory' } | { id: number; op: 'stop' };

process.on('message', (m: Msg) => {
  void (async () => {
    try {
      if (m.op === 'accounts') {
        const out: Array<{ id: string; password: string }> = [];
        for (let i = 0; i < m.count; i++) out.push(await bank.addAccount(`${m.prefix}-${i}`, `pw-${m.prefix}-${i}`));
        process.send!({ id: m.id, ok: true, value: out });
      } else if (m.op === 'memory') {
        gc?.();
        gc?.();
        const u = process.memoryUsage();
        process.send!({ id: m.id, ok: true, value: { heapUsed: u.heapUsed, rss: u.rss, external: u.external } });
      } else {
        await bank.stop();
        process.send!({ id: m.id, ok: true, value: null }, () => process.exit(0));
      }
    } catch (err) {
      process.send!({ id: m.id, ok: false, error: String(err) });
    }
  })();
});
process.send!({ id: 0, ok: true, value: { url: bank.url, trustAnchorPem: bank.trustAnchorPem } });
