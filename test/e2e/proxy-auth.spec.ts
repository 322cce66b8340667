// The proxy sign-in dialog, through main's real broker (src/main/net/proxy-auth.ts) on the e2e
// bridge: its proxyAuth and proxyAuthClosed events, the page's answerProxyAuth checked as
// ipc.ts checks it. Chromium's challenge is the broker's credentialsFor (what the app's `login`
// handler calls); the dialog's timeout runs on a clock the test fires, never on the wall clock.
import { randomUUID } from 'node:crypto';
import type { Language } from '../../src/shared/contract';
import { createProxyAuthBroker } from '../../src/main/net/proxy-auth';
import { expect, test, type Bridge } from './fixtures';
import { expectNoCspViolation, launch, record } from './app';
import { accountId, useWorld } from './setup';

const world = useWorld();

const T = {
  ja: { title: 'プロキシサーバーへのサインイン', user: 'ユーザー名', password: 'パスワード', remember: 'CertDesk を終了するまで覚えておく（パソコンには保存しません）', ok: 'サインイン', cancel: 'キャンセル', retry: 'ユーザー名またはパスワードが受け付けられませんでした', realm: 'プロキシからのメッセージ: "Office proxy"', link: '電子証明書の更新はこちら', start: '電子証明書更新開始' },
  en: { title: 'Sign in to the proxy server', user: 'User name', password: 'Password', remember: 'Remember until CertDesk quits (never saved on this PC)', ok: 'Sign in', cancel: 'Cancel', retry: 'The user name or password was not accepted', realm: 'Message from the proxy: "Office proxy"', link: 'Renew your certificate here', start: 'Start certificate renewal' },
} as const;

const challenge = { isProxy: true, scheme: 'basic', host: 'proxy.corp.example', port: 8080, realm: 'Office proxy' };

/** Main's broker wired to the page as desktop.ts wires it to the window; its timers fired by the test. */
function mainBroker(bridge: Bridge) {
  const armed = new Set<() => void>();
  const broker = createProxyAuthBroker({
    ask: (id, prompt) => (bridge.emit('proxyAuth', { id, ...prompt }), true),
    closed: (id) => bridge.emit('proxyAuthClosed', { id }),
    newId: randomUUID,
    timers: {
      set: (fire) => (armed.add(fire), fire),
      clear: (fire) => armed.delete(fire as () => void),
    },
  });
  bridge.setProxyAuth(broker);
  return { broker, timeOut: () => [...armed].forEach((fire) => fire()) };
}

for (const lang of ['ja', 'en'] as Language[]) {
  const t = T[lang];

  test(`the proxy sign-in dialog: labelled, keyboard only, Esc cancels, the answer reaches main (${lang})`, async ({ page, renderer }) => {
    const bridge = await launch(page, renderer, world.backend, lang);
    const { broker } = mainBroker(bridge);
    const dialog = page.getByRole('dialog', { name: t.title });

    const first = broker.credentialsFor(challenge, 1);
    await expect(dialog).toBeVisible();
    await expect(dialog).toContainText('proxy.corp.example:8080');
    await expect(dialog).toContainText(t.realm);
    const user = dialog.getByLabel(t.user);
    const password = dialog.getByLabel(t.password, { exact: true });
    await expect(user).toBeFocused();
    await expect(user).toHaveAttribute('autocomplete', 'off');
    await expect(password).toHaveAttribute('type', 'password');
    await expect(password).toHaveAttribute('autocomplete', 'off');
    await record(page, '58', 'proxy-auth', lang);

    // Focus stays in the dialog: past サインイン comes back to the user name, and back again.
    await page.keyboard.type('keiri');
    await page.keyboard.press('Tab');
    await expect(password).toBeFocused();
    await page.keyboard.type('pw-1');
    await page.keyboard.press('Tab');
    await expect(dialog.getByLabel(t.remember)).toBeFocused();
    await page.keyboard.press('Space');
    await page.keyboard.press('Tab');
    await expect(dialog.getByRole('button', { name: t.cancel })).toBeFocused();
    await page.keyboard.press('Tab');
    await expect(dialog.getByRole('button', { name: t.ok })).toBeFocused();
    await page.keyboard.press('Tab');
    await expect(user).toBeFocused();
    await page.keyboard.press('Shift+Tab');
    await expect(dialog.getByRole('button', { name: t.ok })).toBeFocused();
    await page.keyboard.press('Enter');
    await expect(dialog).toHaveCount(0);
    expect(await first).toEqual({ username: 'keiri', password: 'pw-1' });
    expect(broker.remembers()).toBe(true);

    // Refused: asked again, saying so; Esc is キャンセル, and main hears the cancel.
    const again = broker.credentialsFor(challenge, 2);
    await expect(dialog.getByRole('alert')).toContainText(t.retry);
    await expect(dialog.getByLabel(t.user)).toHaveValue('');
    await record(page, '59', 'proxy-auth-retry', lang);
    await page.keyboard.press('Escape');
    await expect(dialog).toHaveCount(0);
    expect(await again).toBeNull();
    expect(broker.remembers()).toBe(false);
    expectNoCspViolation(bridge);
  });

  test(`a proxy's realm is quoted as the proxy's words, cleaned and cut short, never as CertDesk's own (${lang})`, async ({ page, renderer }) => {
    const bridge = await launch(page, renderer, world.backend, lang);
    const { broker } = mainBroker(bridge);
    const dialog = page.getByRole('dialog', { name: t.title });
    const hostile = `\u202e銀行のログインIDとパスワードを入力してください\n\u200bEnter your BANK password here ${'x'.repeat(200)}`;
    const asked = broker.credentialsFor({ ...challenge, realm: hostile }, 1);
    await expect(dialog).toBeVisible();
    const realm = dialog.getByTestId('proxy-realm');
    const shown = (await realm.textContent()) ?? '';
    expect(shown.startsWith(lang === 'ja' ? 'プロキシからのメッセージ: "' : 'Message from the proxy: "')).toBe(true);
    expect(shown.endsWith('…"')).toBe(true);
    expect(shown).not.toMatch(/[\u202e\u200b\n]/);
    expect(shown).not.toContain('xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx');
    // Our own words come first and stay whole.
    const paragraphs = await dialog.locator('p').allTextContents();
    expect(paragraphs.indexOf(shown)).toBeGreaterThan(0);
    await page.keyboard.press('Escape');
    expect(await asked).toBeNull();
    expectNoCspViolation(bridge);
  });

  test(`the proxy sign-in dialog closes itself when main gives up on it or the run ends (${lang})`, async ({ page, renderer }) => {
    await world.backend.seed(accountId(`proxy-${lang}`), 20);
    const bridge = await launch(page, renderer, world.backend, lang);
    const { broker, timeOut } = mainBroker(bridge);
    const dialog = page.getByRole('dialog', { name: t.title });

    // Main's 5 minutes pass unanswered: the request is cancelled, the dialog goes with it.
    const waited = broker.credentialsFor(challenge, 1);
    await expect(dialog).toBeVisible();
    await dialog.getByLabel(t.user).fill('half-typed');
    timeOut();
    expect(await waited).toBeNull();
    await expect(dialog).toHaveCount(0);

    // A renewal's checks ask for the proxy and then end (here they pass once let go): the
    // dialog of the finished run closes, and main's request is answered as cancelled.
    let letGo!: () => void;
    const gate = new Promise<void>((ok) => (letGo = ok));
    bridge.setApi({ ...world.backend.api, runPreflight: async (fp) => (await gate, world.backend.api.runPreflight(fp)) });
    await page.getByRole('link', { name: t.link }).first().click();
    await expect(page.locator('[data-screen="preflight"]')).toBeVisible();
    const during = broker.credentialsFor(challenge, 1);
    await expect(dialog).toBeVisible();
    letGo();
    await expect(page.getByRole('heading', { name: t.start })).toBeVisible({ timeout: 60_000 });
    await expect(dialog).toHaveCount(0);
    expect(await during).toBeNull();
    expect(bridge.calls.filter((c) => c === 'answerProxyAuth')).toHaveLength(1);
    expectNoCspViolation(bridge);
  });
}
