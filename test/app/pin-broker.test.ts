// The app's PIN question (src/main/app/pin-broker.ts): asked in the window by a random id, one
// dialog at a time, ended by the answer, a cancel, a window that cannot ask, or the timeout
// on a clock the test drives; "remember" only where the policy offered it.
import { describe, expect, it } from 'vitest';
import { createPinBroker, PIN_DIALOG_TIMEOUT_MS, type PinPrompt } from '../../src/main/app/pin-broker';

function setup(o: { window?: boolean } = {}) {
  const asked: { id: string; prompt: PinPrompt }[] = [];
  const closed: string[] = [];
  const armed = new Map<number, { fire: () => void; ms: number }>();
  let next = 0;
  let ids = 0;
  const broker = createPinBroker({
    ask: (id, prompt) => (o.window === false ? false : (asked.push({ id, prompt }), true)),
    closed: (id) => void closed.push(id),
    newId: () => `id-${++ids}`,
    timers: {
      set: (fire, ms) => (armed.set(++next, { fire, ms }), next),
      clear: (h) => void armed.delete(h as number),
    },
  });
  const fireAll = () => [...armed.values()].forEach((t) => t.fire());
  return { broker, asked, closed, armed, fireAll };
}

const prompt: PinPrompt = { tokenLabel: 'CertDesk', retry: false, offerRemember: false };
const tick = () => new Promise((r) => setImmediate(r));

describe('createPinBroker', () => {
  it('asks the window by id; the answer reaches the operation once and the dialog closes', async () => {
    const s = setup();
    const p = s.broker.ask(prompt);
    await tick();
    expect(s.asked).toEqual([{ id: 'id-1', prompt }]);
    expect([...s.armed.values()].map((t) => t.ms)).toEqual([PIN_DIALOG_TIMEOUT_MS]);
    expect(s.broker.answer('id-1', { pin: '1234', remember: false })).toBe(true);
    expect(await p).toEqual({ pin: '1234', remember: false });
    expect(s.closed).toEqual(['id-1']);
    expect(s.armed.size).toBe(0);
    // Answered once: a second answer (a replay) finds nothing.
    expect(s.broker.answer('id-1', { pin: '9999', remember: false })).toBe(false);
  });

  it('cancel, and a timeout, end it with null and close the dialog', async () => {
    const s = setup();
    const cancelled = s.broker.ask(prompt);
    await tick();
    s.broker.answer('id-1', null);
    expect(await cancelled).toBeNull();
    const forgotten = s.broker.ask(prompt);
    await tick();
    s.fireAll();
    expect(await forgotten).toBeNull();
    expect(s.closed).toEqual(['id-1', 'id-2']);
    expect(s.broker.answer('id-2', { pin: '1234', remember: false })).toBe(false);
  });

  it('no window to ask: null at once', async () => {
    const s = setup({ window: false });
    expect(await s.broker.ask(prompt)).toBeNull();
    expect(s.armed.size).toBe(0);
  });

  it('one dialog at a time: the second question is shown only when the first has ended', async () => {
    const s = setup();
    const first = s.broker.ask(prompt);
    const second = s.broker.ask({ ...prompt, retry: true });
    await tick();
    expect(s.asked.map((a) => a.id)).toEqual(['id-1']);
    s.broker.answer('id-1', { pin: '1111', remember: false });
    await first;
    await tick();
    expect(s.asked.map((a) => a.id)).toEqual(['id-1', 'id-2']);
    expect(s.asked[1]!.prompt.retry).toBe(true);
    s.broker.answer('id-2', { pin: '2222', remember: false });
    expect(await second).toEqual({ pin: '2222', remember: false });
  });

  it('"remember" counts only where the policy offered it', async () => {
    const s = setup();
    const off = s.broker.ask(prompt);
    await tick();
    s.broker.answer('id-1', { pin: '1234', remember: true });
    expect(await off).toEqual({ pin: '1234', remember: false });
    const on = s.broker.ask({ ...prompt, offerRemember: true });
    await tick();
    s.broker.answer('id-2', { pin: '1234', remember: true });
    expect(await on).toEqual({ pin: '1234', remember: true });
  });
});
