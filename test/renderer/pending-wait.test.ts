// The bank's "pending" (202) told to the user with how long CertDesk waits (issue 23 item 8):
// the issuing screen, in ja and en, from the progress event's waitSeconds (the command line's: test/cli/pending-words.test.ts).
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { i18next } from '../../src/renderer/src/i18n';
import { Issuing } from '../../src/renderer/src/screens/Issuing';

const screen = async (lang: 'ja' | 'en', waitSeconds: number) => {
  await i18next.changeLanguage(lang);
  const html = renderToStaticMarkup(createElement(Issuing, { steps: { send: 'running' }, pending: { attempt: 2, retryAt: '2026-06-01T03:00:05Z', waitSeconds }, lang, cancelling: false, onCancel: () => undefined }));
  return /data-testid="pending"[^>]*>([^<]*)</.exec(html)?.[1] ?? '';
};

describe('the wait for a pending request', () => {
  it('the issuing screen says how long, in seconds under a minute, else minutes rounded up', async () => {
    expect(await screen('ja', 5)).toContain('5秒後');
    expect(await screen('ja', 5)).toContain('2回目の確認');
    expect(await screen('ja', 600)).toContain('10分後');
    expect(await screen('ja', 61)).toContain('2分後');
    expect(await screen('en', 5)).toContain('Checking again in 5 seconds');
    expect(await screen('en', 600)).toContain('Checking again in 10 min');
    for (const lang of ['ja', 'en'] as const) expect(await screen(lang, 5)).toMatch(/30/);
  });

});
