// The proxy's realm in the sign-in dialog (issue 24 item 8): the proxy's own words, shown
// quoted and labelled (i18n proxyAuth.realm), with nothing that could disguise or reorder
// them, and cut short. The dialog itself: test/e2e/proxy-auth.spec.ts.
import { describe, expect, it } from 'vitest';
import { realmForDisplay, REALM_SHOWN_MAX } from '../../src/renderer/src/components/ProxyAuthDialog';
import { en } from '../../src/renderer/src/i18n/en';
import { ja } from '../../src/renderer/src/i18n/ja';

describe('realmForDisplay', () => {
  it('keeps a plain realm as it is', () => {
    expect(realmForDisplay('Office proxy')).toBe('Office proxy');
    expect(realmForDisplay('本社プロキシ')).toBe('本社プロキシ');
    expect(realmForDisplay('')).toBe('');
  });

  it('removes control, zero-width and direction characters, collapses white space', () => {
    expect(realmForDisplay('a\u202eb\u2066c\u200bd\u0000e\r\nf\tg\u2028h')).toBe('a b c d e f g h');
    expect(realmForDisplay('  \u200b \n ')).toBe('');
  });

  it(`cuts at ${REALM_SHOWN_MAX} characters (not UTF-16 units) with …`, () => {
    const long = '認'.repeat(REALM_SHOWN_MAX + 1);
    expect(realmForDisplay(long)).toBe(`${'認'.repeat(REALM_SHOWN_MAX)}…`);
    const emoji = '😀'.repeat(REALM_SHOWN_MAX + 5);
    expect([...realmForDisplay(emoji)]).toHaveLength(REALM_SHOWN_MAX + 1);
    expect(realmForDisplay('a'.repeat(REALM_SHOWN_MAX))).toBe('a'.repeat(REALM_SHOWN_MAX));
  });

  it('is labelled as the proxy\'s message and quoted, in ja and en', () => {
    expect(ja.proxyAuth.realm).toBe('プロキシからのメッセージ: "{{realm}}"');
    expect(en.proxyAuth.realm).toBe('Message from the proxy: "{{realm}}"');
  });
});
