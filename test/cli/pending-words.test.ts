// The command line's line for the bank's "pending" (202): how long until the next check, and
// the 30-minute bound (issue 23 item 8), in ja and en. The issuing screen's: test/renderer/pending-wait.test.ts.
import { describe, expect, it } from 'vitest';
import { catalogs } from '../../src/main/cli/messages';

describe('the wait for a pending request, on the command line', () => {
  it('seconds under a minute, else minutes rounded up', () => {
    expect(catalogs.ja.pending(1, 5, '12:00:05')).toBe('銀行で発行手続き中です（1回目の確認）。5秒後（12:00:05）に再確認します（待つのは合計30分までです）。');
    expect(catalogs.ja.pending(2, 61, 'x')).toContain('2分後');
    expect(catalogs.en.pending(3, 600, '12:10:00')).toBe('The bank is still processing (check 3). Checking again in 10 min, at 12:10:00 (CertDesk waits 30 minutes at most in all).');
    expect(catalogs.en.pending(1, 5, 'x')).toContain('in 5 seconds');
  });
});
