// How a launch's arguments are read (app/headless-args): our switches only before `--`,
// after it exactly one certdesk: link, anything else refuses the launch. The argv arrays are
// made the way each OS makes them from a link: Windows expands the registered command
// `"certdesk.exe" "--" "%1"` with the link's text and splits it as CommandLineToArgvW does
// (a launcher that lets a `"` through closes the quote); Linux's .desktop `Exec=… %U`
// (xdg-open) passes the link as one argument; macOS sends open-url and no argument at all.
import { describe, expect, it } from 'vitest';
import { policyOptionRefusal, readLaunchArgs, refusedLaunchLine } from '../../src/main/app/headless-args';
import { createLaunchLinks, registerLinkScheme } from '../../src/main/app/launch';
import type { LaunchRequest } from '../../src/shared/contract';

/** CommandLineToArgvW's rules (2008+ msvcrt): 2n backslashes + `"` → n and a quote toggle; 2n+1 → n and a literal `"`; `""` inside quotes → `"`. */
function commandLineToArgv(line: string): string[] {
  const out: string[] = [];
  // argv[0]: up to the closing quote, or the first space; no escapes.
  const first = line[0] === '"' ? /^"([^"]*)"?/.exec(line)! : /^[^ \t]*/.exec(line)!;
  out.push(first[1] ?? first[0]);
  let i = first[0].length;
  while (i < line.length) {
    while (line[i] === ' ' || line[i] === '\t') i++;
    if (i >= line.length) break;
    let arg = '';
    let quoted = false;
    while (i < line.length && (quoted || (line[i] !== ' ' && line[i] !== '\t'))) {
      if (line[i] === '\\') {
        let n = 0;
        while (line[i] === '\\') {
          n++;
          i++;
        }
        if (line[i] === '"') {
          arg += '\\'.repeat(Math.floor(n / 2));
          if (n % 2 === 1) {
            arg += '"';
            i++;
          }
        } else arg += '\\'.repeat(n);
      } else if (line[i] === '"') {
        if (quoted && line[i + 1] === '"') {
          arg += '"';
          i += 2;
        } else {
          quoted = !quoted;
          i++;
        }
      } else arg += line[i++];
    }
    out.push(arg);
  }
  return out;
}

const EXE = 'C:\\Program Files\\CertDesk\\certdesk.exe';
/** The command electron's setAsDefaultProtocolClient(…, ['--']) registers, with %1 expanded verbatim. */
const windowsLaunch = (link: string) => commandLineToArgv(`"${EXE}" "--" "${link}"`);
const INJECTED = 'certdesk://open" --headless renew --policy \\\\evil\\s\\p.json --yes --lang "ja';

describe('readLaunchArgs', () => {
  it('the splitter splits as Windows does', () => {
    expect(commandLineToArgv('"C:\\a b\\x.exe" "--" "certdesk://open"')).toEqual(['C:\\a b\\x.exe', '--', 'certdesk://open']);
    expect(commandLineToArgv('x.exe a\\\\"b c" d\\"e "f""g"')).toEqual(['x.exe', 'a\\b c', 'd"e', 'f"g']);
  });

  it('Windows: a link whose quote closes the registered "%1" injects nothing: the launch is refused, never headless', () => {
    const argv = windowsLaunch(INJECTED);
    expect(argv).toEqual([EXE, '--', 'certdesk://open', '--headless', 'renew', '--policy', '\\\\evil\\s\\p.json', '--yes', '--lang', 'ja']);
    expect(readLaunchArgs(argv)).toEqual({ mode: 'refused', reason: 'AFTER_DASHDASH' });
    // Other shapes of the same trick: a second link, a bare switch, an empty tail.
    for (const link of ['certdesk://open" --background "x', 'certdesk://open" "certdesk://renew', 'certdesk://renew" --no-sandbox "', 'certdesk://renew" --headless "']) {
      expect([link, readLaunchArgs(windowsLaunch(link)).mode]).toEqual([link, 'refused']);
    }
    expect(readLaunchArgs([EXE, '--'])).toEqual({ mode: 'refused', reason: 'AFTER_DASHDASH' });
    expect(readLaunchArgs([EXE, '--', 'https://bank.example/'])).toEqual({ mode: 'refused', reason: 'AFTER_DASHDASH' });
  });

  it('Windows: a plain link, its quotes kept, is the desktop with that one link (the parser judges its text later)', () => {
    expect(readLaunchArgs(windowsLaunch('certdesk://renew'))).toEqual({ mode: 'desktop', background: false, link: 'certdesk://renew' });
    // Spaces stay inside the quotes: one argument, refused later by the strict parser.
    expect(readLaunchArgs(windowsLaunch('certdesk://open --headless status'))).toEqual({ mode: 'desktop', background: false, link: 'certdesk://open --headless status' });
  });

  it('the single-instance handoff: Chromium puts its own switches before `--`; injected ones after it still refuse', () => {
    const handoff = [EXE, '--allow-file-access-from-files', '--original-process-start-time=13350000000000000', '--', 'certdesk://renew'];
    expect(readLaunchArgs(handoff)).toEqual({ mode: 'desktop', background: false, link: 'certdesk://renew' });
    const injected = [EXE, '--allow-file-access-from-files', ...windowsLaunch(INJECTED).slice(1)];
    expect(readLaunchArgs(injected).mode).toBe('refused');
  });

  it('Linux xdg-open (Exec=… %U): the link is one argument, the last; anything after it refuses', () => {
    expect(readLaunchArgs(['/opt/CertDesk/certdesk', 'certdesk://acquire?loginId=K1'])).toEqual({ mode: 'desktop', background: false, link: 'certdesk://acquire?loginId=K1' });
    expect(readLaunchArgs(['/opt/CertDesk/certdesk', `certdesk://open" --headless renew --yes "`])).toMatchObject({ mode: 'desktop', link: 'certdesk://open" --headless renew --yes "' });
    expect(readLaunchArgs(['/opt/CertDesk/certdesk', 'certdesk://open', '--headless', 'renew'])).toEqual({ mode: 'refused', reason: 'AFTER_LINK' });
    expect(readLaunchArgs(['/opt/CertDesk/certdesk', 'certdesk://open', '--background'])).toEqual({ mode: 'refused', reason: 'AFTER_LINK' });
    expect(readLaunchArgs(['/opt/CertDesk/certdesk', 'certdesk://open', '--', 'certdesk://renew'])).toEqual({ mode: 'refused', reason: 'TWO_LINKS' });
  });

  it('macOS: no argument carries the link (open-url does); the argv is the desktop', () => {
    expect(readLaunchArgs(['/Applications/CertDesk.app/Contents/MacOS/CertDesk'])).toEqual({ mode: 'desktop', background: false, link: null });
    expect(readLaunchArgs(['/Applications/CertDesk.app/Contents/MacOS/CertDesk', '-psn_0_1234'])).toEqual({ mode: 'desktop', background: false, link: null });
  });

  it('our own launches: the login item\'s --background, IT\'s --headless with its command line (a `--` of its own included)', () => {
    expect(readLaunchArgs([EXE, '--background'])).toEqual({ mode: 'desktop', background: true, link: null });
    expect(readLaunchArgs([EXE, '--headless', 'renew', '--yes', '--inspect=9229'])).toEqual({ mode: 'headless', args: ['renew', '--yes'] });
    expect(readLaunchArgs([EXE, '--headless', 'inspect', '--', '-file.pem'])).toEqual({ mode: 'headless', args: ['inspect', '--', '-file.pem'] });
    // Development: electron's argv[1] is the app's folder.
    expect(readLaunchArgs(['electron', '.', '--headless', 'status'])).toEqual({ mode: 'headless', args: ['status'] });
  });

  it('the refusal\'s log line says why and how many, never the arguments', () => {
    const argv = windowsLaunch(INJECTED);
    const line = refusedLaunchLine({ reason: 'AFTER_DASHDASH' }, argv);
    expect(line).toContain('AFTER_DASHDASH, 9 arguments');
    expect(line).not.toContain('evil');
  });
});

describe('macOS open-url with injected switches', () => {
  it('the whole text is one link, refused by the parser: nothing is sent to the window', () => {
    const listeners = new Map<string, (event: { preventDefault(): void }, url: string) => void>();
    const app = { isPackaged: true, on: (n: string, fn: never) => (listeners.set(n, fn), app), setAsDefaultProtocolClient: () => true };
    const links = createLaunchLinks();
    registerLinkScheme(app as never, 'darwin', '/Applications/CertDesk.app', links);
    const sent: LaunchRequest[] = [];
    const warned: string[] = [];
    links.attach({ showWindow: () => undefined, send: (r) => void sent.push(r), warn: (m) => void warned.push(m) });
    listeners.get('open-url')!({ preventDefault: () => undefined }, INJECTED);
    listeners.get('open-url')!({ preventDefault: () => undefined }, 'certdesk://open%22%20--headless%20renew');
    expect(sent).toEqual([]);
    expect(warned).toHaveLength(2);
  });
});

describe('policyOptionRefusal (the installed app\'s headless --policy)', () => {
  const none = async () => [] as string[];
  it('no --policy: nothing asked', async () => {
    let asked = 0;
    expect(await policyOptionRefusal(['renew', '--yes'], async () => (asked++, ['machine']))).toBeNull();
    expect(asked).toBe(0);
  });
  it('a network or device path is refused, however it is written', async () => {
    for (const p of ['\\\\evil\\s\\p.json', '//evil/s/p.json', '\\/evil\\s', '\\\\?\\UNC\\evil\\s\\p.json', '\\\\.\\pipe\\x']) {
      expect([p, await policyOptionRefusal(['renew', '--policy', p], none)]).toEqual([p, expect.stringContaining('network path')]);
      expect([p, await policyOptionRefusal(['renew', `--policy=${p}`], none)]).toEqual([p, expect.stringContaining('network path')]);
    }
  });
  it('over a built-in, machine or registry policy: refused, in ja and en; over a user file alone or none: allowed', async () => {
    for (const layers of [['builtin'], ['user', 'machine'], ['registry'], ['unreadable']]) {
      const r = await policyOptionRefusal(['status', '--policy', 'C:\\Users\\u\\p.json'], async () => layers);
      expect(r).toContain('--policy is refused');
      expect(r).toContain('--policy は使えません');
    }
    expect(await policyOptionRefusal(['status', '--policy', 'C:\\Users\\u\\p.json'], async () => ['user'])).toBeNull();
    expect(await policyOptionRefusal(['status', '--policy', '/tmp/p.json'], none)).toBeNull();
  });
});
