// The proxy sign-in's way back from the window: only CertDesk's own frame, only an id and an
// answer of the contract's shape, copied field by field to the broker; and the desktop's
// chromium transport forgets unremembered credentials when the operation ends.
import { describe, expect, it, vi } from 'vitest';
import { PROXY_AUTH_ANSWER_CHANNEL } from '../../src/shared/contract';
import { validateProxyAuthAnswer } from '../../src/shared/validate';

vi.mock('electron', () => import('../support/electron-stub'));
const { answerChannel } = await import('./answer-channel');
const { FakeWebContents } = await import('../support/electron-stub');
const { registerProxyAuthAnswer } = await import('../../src/main/app/ipc');
const { createSenderCheck } = await import('../../src/main/app/security');

const ID = '0b6e2f4c-93c1-4d8e-9a57-2f0c1d3e4b5a';

describe('validateProxyAuthAnswer', () => {
  it('takes [id, { username, password, remember }] or [id, null]', () => {
    expect(validateProxyAuthAnswer([ID, { username: 'keiri', password: 'p w', remember: false }])).toBeNull();
    expect(validateProxyAuthAnswer([ID, { username: 'CORP\\keiri', password: '', remember: true }])).toBeNull();
    expect(validateProxyAuthAnswer([ID, null])).toBeNull();
  });
  it('refuses anything else, naming the field', () => {
    const field = (args: unknown[]) => validateProxyAuthAnswer(args)?.detail?.field;
    expect(field(['req-1', null])).toBe('id');
    expect(field([ID])).toBe('id');
    expect(field([ID, 'x'])).toBe('answer');
    expect(field([ID, { username: 'a', password: 'b', remember: false, host: 'evil' }])).toBe('host');
    expect(field([ID, { username: '', password: 'b', remember: false }])).toBe('username');
    expect(field([ID, { username: 'a:b', password: 'b', remember: false }])).toBe('username');
    expect(field([ID, { username: 'a\r\nX-Injected: 1', password: 'b', remember: false }])).toBe('username');
    expect(field([ID, { username: 'a', password: 'b\n', remember: false }])).toBe('password');
    expect(field([ID, { username: 'a', password: 'b', remember: 'yes' }])).toBe('remember');
  });
});

describe('registerProxyAuthAnswer', () => {
  const setup = () => answerChannel(registerProxyAuthAnswer as never, PROXY_AUTH_ANSWER_CHANNEL, createSenderCheck as never, ID);

  it('the main frame\'s answer reaches the broker, copied field by field', () => {
    const s = setup();
    const answer = Object.assign({ username: 'keiri', password: 'pw', remember: true });
    expect(s.call(s.main, ID, answer)).toEqual({ ok: true, value: { accepted: true } });
    expect(s.answers).toEqual([[ID, { username: 'keiri', password: 'pw', remember: true }]]);
    expect(s.answers[0]![1]).not.toBe(answer);
    expect(s.call(s.main, ID.replace('0b', '1b'), null)).toEqual({ ok: true, value: { accepted: false } });
    s.unregister();
    expect(s.handlers.size).toBe(0);
  });

  it('another window or a bad shape never reaches the broker', () => {
    const s = setup();
    const other = new FakeWebContents();
    expect(s.call(other, ID, null)).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT', detail: { field: 'sender' } } });
    expect(s.call(s.main, ID, { username: 'a', password: 'b' })).toMatchObject({ ok: false, error: { detail: { field: 'remember' } } });
    expect(s.answers).toEqual([]);
  });
});
