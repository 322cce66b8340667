// certdesk: links from a bank's page: exactly the documented three are accepted, everything
// else is refused and logged redacted; a link never acts by itself (it becomes a `launch`
// event the window confirms); the window comes to the front; macOS's early links wait.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseLaunchLink } from '../../src/main/app/launch-link';
import { createLaunchLinks, registerLinkScheme } from '../../src/main/app/launch';
import type { LaunchRequest } from '../../src/shared/contract';
import { fuzzParams } from '../support/seed';

describe('parseLaunchLink', () => {
  it('accepts the three documented links', () => {
    expect(parseLaunchLink('certdesk://open')).toEqual({ ok: true, request: { action: 'open' } });
    expect(parseLaunchLink('certdesk://open/')).toEqual({ ok: true, request: { action: 'open' } });
    expect(parseLaunchLink('certdesk://renew')).toEqual({ ok: true, request: { action: 'renew' } });
    expect(parseLaunchLink('CERTDESK://RENEW')).toEqual({ ok: true, request: { action: 'renew' } });
    expect(parseLaunchLink('certdesk://acquire')).toEqual({ ok: true, request: { action: 'acquire' } });
    expect(parseLaunchLink('certdesk://acquire?loginId=TARO.k_01%40corp')).toEqual({ ok: true, request: { action: 'acquire', loginId: 'TARO.k_01@corp' } });
    expect(parseLaunchLink('certdesk://acquire/?loginId=a@b')).toEqual({ ok: true, request: { action: 'acquire', loginId: 'a@b' } });
    expect(parseLaunchLink('certdesk://renew?')).toEqual({ ok: true, request: { action: 'renew' } });
  });

  it('refuses everything else, saying why', () => {
    const refused: Array<[string, string]> = [
      ['certdesk://delete', 'ACTION'],
      ['certdesk://renew?fingerprint=ab', 'QUERY'],
      ['certdesk://open?x=1', 'QUERY'],
      ['certdesk://acquire?loginId=a&loginId=b', 'QUERY'],
      ['certdesk://acquire?password=secret', 'QUERY'],
      ['certdesk://acquire?loginId=', 'LOGIN_ID'],
      ['certdesk://acquire?loginId=a%20b', 'LOGIN_ID'],
      ['certdesk://acquire?loginId=%EF%BC%A1', 'LOGIN_ID'],
      [`certdesk://acquire?loginId=${'a'.repeat(65)}`, 'LOGIN_ID'],
      ['certdesk://renew/now', 'PATH'],
      ['certdesk://renew#x', 'PARTS'],
      ['certdesk://user:pw@renew', 'PARTS'],
      ['certdesk://renew:99', 'PARTS'],
      ['certdesk:renew', 'FORM'],
      ['https://bank.example/renew', 'SCHEME'],
      ['javascript:alert(1)', 'SCHEME'],
      ['certdesk://renew\n', 'CHARACTERS'],
      ['certdesk://ｒｅｎｅｗ', 'CHARACTERS'],
      ['certdesk://%72enew', 'ACTION'],
      [`certdesk://open?${'a'.repeat(300)}`, 'TOO_LONG'],
      ['certdesk://', 'ACTION'],
      ['', 'CHARACTERS'],
      // Non-canonical forms that WHATWG URL would normalise into an accepted one (issue 23 item 9).
      ['certdesk://renew/../', 'PATH'],
      ['certdesk://renew/..', 'PATH'],
      ['certdesk://renew/%2e%2e/', 'PATH'],
      ['certdesk://renew/%2E%2E', 'PATH'],
      ['certdesk://renew/./', 'PATH'],
      ['certdesk://open//', 'PATH'],
      ['certdesk://acquire?%6coginId=K1', 'QUERY'],
      ['certdesk://acquire?loginid=K1', 'QUERY'],
      ['certdesk://acquire?loginId=%61dmin', 'LOGIN_ID'],
      ['certdesk://acquire?loginId=%2540', 'LOGIN_ID'],
      ['certdesk://acquire?loginId=K1&', 'QUERY'],
      ['certdesk://acquire?loginId=K1=', 'QUERY'],
      ['certdesk://acquire?&loginId=K1', 'QUERY'],
      ['certdesk://acquire?loginId=K1;x=1', 'QUERY'],
      ['certdesk://acquire?+loginId=K1', 'QUERY'],
      ['certdesk://renew?loginId=K1', 'QUERY'],
      ['certdesk://%6fpen', 'ACTION'],
      ['certdesk://renew.', 'ACTION'],
      ['certdesk:///renew', 'ACTION'],
      ['certdesk://renew@', 'PARTS'],
      ['certdesk://renew:', 'PARTS'],
      ['certdesk://renew#', 'PARTS'],
    ];
    for (const [link, reason] of refused) expect([link, parseLaunchLink(link)]).toEqual([link, { ok: false, reason }]);
  });

  it('fuzzed: any string either is refused or is one of the three, with a login ID the app accepts', () => {
    const piece = fc.constantFrom('certdesk:', '//', 'open', 'renew', 'acquire', '?', 'loginId=', '&', '#', '%', '%40', '/', '@', ':', 'A', '1', ' ', '\u0000', 'ｒ', '..', '=', '%2e', '%2E', '%6c', '%6f', '%61', '%25', '../', './', 'l', 'ogin', 'Id=', '.', ';', '+');
    const link = fc.array(piece, { maxLength: 10 }).map((a) => a.join(''));
    fc.assert(
      fc.property(fc.oneof(link, fc.string({ maxLength: 80 })), (raw) => {
        const v = parseLaunchLink(raw);
        if (!v.ok) return;
        // Only the documented forms, letter for letter (an oracle independent of the parser's steps).
        expect(raw).toMatch(/^certdesk:\/\/(open|renew|acquire)\/?(\?(loginId=([A-Za-z0-9._@-]|%40)+)?)?$/i);
        if (raw.includes('loginId=')) expect(raw.toLowerCase().startsWith('certdesk://acquire')).toBe(true);
        // The login ID is the raw text's, only %40 decoded.
        if (v.request.action === 'acquire' && v.request.loginId !== undefined) expect(raw.slice(raw.indexOf('loginId=') + 8).replace(/%40/g, '@')).toBe(v.request.loginId);
        expect(raw).not.toMatch(/%(?!40)|\.\./);
        expect(['open', 'renew', 'acquire']).toContain(v.request.action);
        if (v.request.action === 'acquire' && v.request.loginId !== undefined) expect(v.request.loginId).toMatch(/^[A-Za-z0-9._@-]{1,64}$/);
        expect(Object.keys(v.request).every((k) => k === 'action' || k === 'loginId')).toBe(true);
      }),
      fuzzParams('certdesk: links', 2000),
    );
  });
});

describe('the launch queue', () => {
  const target = () => {
    const seen: string[] = [];
    const sent: LaunchRequest[] = [];
    const warned: string[] = [];
    return { seen, sent, warned, t: { showWindow: () => void seen.push('show'), send: (r: LaunchRequest) => void sent.push(r), warn: (m: string) => void warned.push(m) } };
  };

  it('a valid link: window to the front, then one launch request (the window confirms before anything happens)', () => {
    const links = createLaunchLinks();
    const x = target();
    links.attach(x.t);
    links.receive('certdesk://acquire?loginId=KEIRI01');
    expect(x.seen).toEqual(['show']);
    expect(x.sent).toEqual([{ action: 'acquire', loginId: 'KEIRI01' }]);
    expect(x.warned).toEqual([]);
  });

  it('a refused link: the window comes up, nothing is sent, the log line is redacted', () => {
    const links = createLaunchLinks();
    const x = target();
    links.attach(x.t);
    links.receive('certdesk://acquire?loginId=K&password=hunter2');
    links.receive('certdesk://taro:hunter2@renew');
    expect(x.sent).toEqual([]);
    expect(x.seen).toEqual(['show', 'show']);
    expect(x.warned).toHaveLength(2);
    expect(x.warned[0]).toContain('(QUERY)');
    for (const w of x.warned) expect(w).not.toContain('hunter2');
  });

  it('macOS open-url before the window: queued (at most five), delivered on attach', () => {
    const links = createLaunchLinks();
    for (let i = 0; i < 7; i++) links.receive('certdesk://open');
    const x = target();
    links.attach(x.t);
    expect(x.sent).toEqual(Array(5).fill({ action: 'open' }));
  });
});

describe('registerLinkScheme (before ready)', () => {
  const EXE = 'C:\\Program Files\\CertDesk\\certdesk.exe';
  const fakeApp = (isPackaged: boolean) => {
    const registered: unknown[][] = [];
    const listeners = new Map<string, (event: { preventDefault(): void }, url: string) => void>();
    const app = {
      isPackaged,
      on: (name: string, fn: (event: { preventDefault(): void }, url: string) => void) => (listeners.set(name, fn), app),
      setAsDefaultProtocolClient: (...a: unknown[]) => (registered.push(a), true),
    };
    return { app, registered, listeners };
  };

  it('packaged Windows and macOS register certdesk with `--` before the link; Linux (the .desktop file) and development do not', () => {
    for (const [platform, packaged, expected] of [
      ['win32', true, [['certdesk', EXE, ['--']]]],
      ['darwin', true, [['certdesk', EXE, ['--']]]],
      ['linux', true, []],
      ['win32', false, []],
    ] as const) {
      const f = fakeApp(packaged);
      registerLinkScheme(f.app as never, platform, EXE, { receive: () => undefined });
      expect([platform, packaged, f.registered]).toEqual([platform, packaged, expected]);
    }
  });

  it('macOS open-url: the default is prevented and the link goes to the queue', () => {
    const f = fakeApp(true);
    const got: string[] = [];
    registerLinkScheme(f.app as never, 'darwin', '/Applications/CertDesk.app', { receive: (u) => void got.push(u) });
    let prevented = 0;
    f.listeners.get('open-url')!({ preventDefault: () => void (prevented += 1) }, 'certdesk://renew');
    expect([prevented, got]).toEqual([1, ['certdesk://renew']]);
  });
});

