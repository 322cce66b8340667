// The token PIN dialog (keyStorage tpm / pkcs11), through main's real PIN broker
// (src/main/app/pin-broker.ts) on the e2e bridge: its pinRequest and pinClosed events, the
// page's answerPin checked as ipc.ts checks it. The dialog's timeout runs on a clock the test
// fires, never on the wall clock.
import { randomUUID } from 'node:crypto';
import type { Language } from '../../src/shared/contract';
import { createPinBroker } from '../../src/main/app/pin-broker';
import { RESOURCES } from '../../src/shared/i18n';
import { expect, test, type Bridge } from './fixtures';
import { expectNoCspViolation, launch, record } from './app';
import { accountId, useWorld } from './setup';

const world = useWorld();

const T = {
  ja: { link: '電子証明書の更新はこちら', start: '電子証明書更新開始', title: '鍵を保管している装置のPIN', pin: 'PIN', ok: '続ける', cancel: 'キャンセル', retry: 'PINが違います', browser: 'ブラウザーが同じPINを尋ねます', remember: 'このPINをパソコンの資格情報の保管場所に保存し、次回から入力を省く', hint: '4〜64文字' },
  en: { link: 'Renew your certificate here', start: 'Start certificate renewal', title: 'PIN of the device that keeps the key', pin: 'PIN', ok: 'Continue', cancel: 'Cancel', retry: 'The PIN is wrong', browser: 'will ask for the same PIN', remember: "Save this PIN in this PC's credential store and skip this question next time", hint: '4 to 64 characters' },
} as const;

/** Main's broker wired to the page as desktop.ts wires it to the window; its timers fired by the test. */
function mainBroker(bridge: Bridge) {
  const armed = new Set<() => void>();
  const broker = createPinBroker({
    ask: (id, prompt) => (bridge.emit('pinRequest', { id, ...prompt }), true),
    closed: (id) => bridge.emit('pinClosed', { id }),
    newId: randomUUID,
    timers: {
      set: (fire) => (armed.add(fire), fire),
      clear: (fire) => armed.delete(fire as () => void),
    },
  });
  bridge.setPin(broker);
  return { broker, timeOut: () => [...armed].forEach((fire) => fire()) };
}

for (const lang of ['ja', 'en'] as Language[]) {
  const t = T[lang];

  test(`the PIN dialog: names the token, hidden input, keyboard only, a bad PIN stays here, the answer reaches main (${lang})`, async ({ page, renderer }) => {
    const bridge = await launch(page, renderer, world.backend, lang);
    const { broker } = mainBroker(bridge);
    const dialog = page.getByRole('dialog', { name: t.title });

    const first = broker.ask({ tokenLabel: 'CertDesk Card', retry: false, offerRemember: false });
    await expect(dialog).toBeVisible();
    await expect(dialog).toContainText('CertDesk Card');
    await expect(dialog).toContainText(t.browser);
    const pin = dialog.getByLabel(t.pin, { exact: true });
    await expect(pin).toBeFocused();
    await expect(pin).toHaveAttribute('type', 'password');
    await expect(pin).toHaveAttribute('autocomplete', 'off');
    await expect(pin).toHaveAttribute('inputmode', 'text');
    // The policy does not let CertDesk keep the PIN: no box to offer it.
    await expect(dialog.getByRole('checkbox')).toHaveCount(0);
    await record(page, '60', 'pin', lang);

    // Too short: said beside the field, nothing sent to main.
    await page.keyboard.type('12');
    await page.keyboard.press('Enter');
    await expect(pin).toHaveAttribute('aria-invalid', 'true');
    await expect(dialog).toContainText(t.hint);
    expect(bridge.calls.filter((c) => c === 'answerPin')).toHaveLength(0);

    // Focus stays in the dialog: past 続ける comes back to the PIN, and back again.
    await page.keyboard.type('34');
    await page.keyboard.press('Tab');
    await expect(dialog.getByRole('button', { name: t.cancel })).toBeFocused();
    await page.keyboard.press('Tab');
    await expect(dialog.getByRole('button', { name: t.ok })).toBeFocused();
    await page.keyboard.press('Tab');
    await expect(pin).toBeFocused();
    await page.keyboard.press('Shift+Tab');
    await expect(dialog.getByRole('button', { name: t.ok })).toBeFocused();
    await page.keyboard.press('Enter');
    await expect(dialog).toHaveCount(0);
    expect(await first).toEqual({ pin: '1234', remember: false });
    expectNoCspViolation(bridge);
  });

  test(`a wrong PIN is asked again saying 「PINが違います」; "remember" only where the policy offers it; Esc cancels (${lang})`, async ({ page, renderer }) => {
    const bridge = await launch(page, renderer, world.backend, lang);
    const { broker } = mainBroker(bridge);
    const dialog = page.getByRole('dialog', { name: t.title });

    // The token said few tries are left (softhsm2's CKF_USER_PIN_COUNT_LOW): the dialog says so.
    const again = broker.ask({ tokenLabel: 'CertDesk', retry: true, offerRemember: true, pinTries: 'low' });
    await expect(dialog.getByRole('alert')).toContainText(t.retry);
    await expect(dialog.getByRole('alert')).toContainText(RESOURCES[lang].translation.pin.tries.low);
    const box = dialog.getByLabel(t.remember);
    await expect(box).not.toBeChecked();
    await record(page, '61', 'pin-retry', lang);
    await dialog.getByLabel(t.pin, { exact: true }).fill('24680');
    await box.check();
    await dialog.getByRole('button', { name: t.ok }).click();
    await expect(dialog).toHaveCount(0);
    expect(await again).toEqual({ pin: '24680', remember: true });

    const cancelled = broker.ask({ tokenLabel: 'CertDesk', retry: false, offerRemember: true });
    await expect(dialog).toBeVisible();
    await page.keyboard.type('1357');
    await page.keyboard.press('Escape');
    await expect(dialog).toHaveCount(0);
    expect(await cancelled).toBeNull();
    expectNoCspViolation(bridge);
  });

  test(`the PIN dialog closes itself when main's 5 minutes pass (${lang})`, async ({ page, renderer }) => {
    const bridge = await launch(page, renderer, world.backend, lang);
    const { broker, timeOut } = mainBroker(bridge);
    const dialog = page.getByRole('dialog', { name: t.title });
    const waited = broker.ask({ tokenLabel: 'CertDesk', retry: false, offerRemember: false });
    await expect(dialog).toBeVisible();
    await dialog.getByLabel(t.pin, { exact: true }).fill('12');
    timeOut();
    expect(await waited).toBeNull();
    await expect(dialog).toHaveCount(0);
    // A late answer for it finds nothing in main.
    expect(broker.answer('00000000-0000-0000-0000-000000000000', null)).toBe(false);
    expectNoCspViolation(bridge);
  });

  test(`the PIN dialog of a run that ended closes, and main hears the cancel (${lang})`, async ({ page, renderer }) => {
    await world.backend.seed(accountId(`pin-${lang}`), 20);
    const bridge = await launch(page, renderer, world.backend, lang);
    const { broker } = mainBroker(bridge);
    const dialog = page.getByRole('dialog', { name: t.title });
    // The run's checks wait here while a PIN is asked, then end: the dialog must not outlive them.
    let letGo!: () => void;
    const gate = new Promise<void>((ok) => (letGo = ok));
    bridge.setApi({ ...world.backend.api, runPreflight: async (fp) => (await gate, world.backend.api.runPreflight(fp)) });
    await page.getByRole('link', { name: t.link }).first().click();
    await expect(page.locator('[data-screen="preflight"]')).toBeVisible();
    const during = broker.ask({ tokenLabel: 'CertDesk', retry: false, offerRemember: false });
    await expect(dialog).toBeVisible();
    letGo();
    await expect(page.getByRole('heading', { name: t.start })).toBeVisible({ timeout: 60_000 });
    await expect(dialog).toHaveCount(0);
    expect(await during).toBeNull();
    expect(bridge.calls.filter((c) => c === 'answerPin')).toHaveLength(1);
    expectNoCspViolation(bridge);
  });
}
