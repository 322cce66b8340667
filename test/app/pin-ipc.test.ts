// The PIN dialog's way back from the window: only CertDesk's own frame, only an id and a PIN
// of printable ASCII (4–64), copied field by field to the broker; an error names the field
// and never carries the PIN; the redactor keeps a PIN answer out of the log.
import { describe, expect, it, vi } from 'vitest';
import { PIN_ANSWER_CHANNEL } from '../../src/shared/contract';
import { validatePinAnswer } from '../../src/shared/validate';
import { redact } from '../../src/shared/redact';

vi.mock('electron', () => import('../support/electron-stub'));
const { answerChannel } = await import('./answer-channel');
const { FakeWebContents } = await import('../support/electron-stub');
const { registerPinAnswer } = await import('../../src/main/app/ipc');
const { createSenderCheck } = await import('../../src/main/app/security');

const ID = '0b6e2f4c-93c1-4d8e-9a57-2f0c1d3e4b5a';

describe('validatePinAnswer', () => {
  it('takes [id, { pin, remember }] or [id, null]', () => {
    expect(validatePinAnswer([ID, { pin: '1234', remember: false }])).toBeNull();
    expect(validatePinAnswer([ID, { pin: 'Ab1! ~x'.padEnd(64, 'z'), remember: true }])).toBeNull();
    expect(validatePinAnswer([ID, null])).toBeNull();
  });
  it('refuses anything else, naming the field and never the PIN', () => {
    const field = (args: unknown[]) => validatePinAnswer(args)?.detail?.field;
    expect(field(['req-1', null])).toBe('id');
    expect(field([ID])).toBe('id');
    expect(field([ID, '1234'])).toBe('answer');
    expect(field([ID, { pin: '1234', remember: false, module: '/tmp/evil.so' }])).toBe('module');
    for (const pin of ['123', '1'.repeat(65), '12\n34', '1234\0', '12\t34', 'ＰＩＮ１２３４', 'piné1234', 1234]) {
      const e = validatePinAnswer([ID, { pin, remember: false }]);
      expect(e?.detail?.field).toBe('pin');
      expect(JSON.stringify(e)).not.toContain(String(pin));
    }
    expect(field([ID, { pin: '1234', remember: 'yes' }])).toBe('remember');
  });
  it('the redactor hides a PIN answer as it would appear in a log line', () => {
    for (const line of [JSON.stringify({ pin: '48151623', remember: true }), 'answer pin=48151623 remember=false', "{ pin: '48151623' }"]) {
      expect(redact(line)).not.toContain('48151623');
    }
  });
});

describe('registerPinAnswer', () => {
  const setup = () => answerChannel(registerPinAnswer as never, PIN_ANSWER_CHANNEL, createSenderCheck as never, ID);

  it('the main frame\'s answer reaches the broker, copied field by field', () => {
    const s = setup();
    const answer = { pin: '2468', remember: true };
    expect(s.call(s.main, ID, answer)).toEqual({ ok: true, value: { accepted: true } });
    expect(s.answers).toEqual([[ID, { pin: '2468', remember: true }]]);
    expect(s.answers[0]![1]).not.toBe(answer);
    expect(s.call(s.main, ID.replace('0b', '1b'), null)).toEqual({ ok: true, value: { accepted: false } });
    s.unregister();
    expect(s.handlers.size).toBe(0);
  });

  it('another window or a bad shape never reaches the broker', () => {
    const s = setup();
    expect(s.call(new FakeWebContents(), ID, { pin: '2468', remember: false })).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT', detail: { field: 'sender' } } });
    expect(s.call(s.main, ID, { pin: '24', remember: false })).toMatchObject({ ok: false, error: { detail: { field: 'pin' } } });
    expect(s.answers).toEqual([]);
  });
});
