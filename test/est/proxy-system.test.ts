// `proxy: "system"` on the command line: each OS's own output (as the tools print it) read by
// the pure parsers, the exact commands asked, and the bypass rules.
import { execFile, execFileSync } from 'node:child_process';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { describe, expect, it } from 'vitest';
import { parseIeRegistry, parseNetshWinhttp, parseScutilProxy, proxyFromEnv, systemProxyFor, httpsFromWindowsServer } from '../../src/main/core/est/system-proxy';
import { IE_SETTINGS_KEY, readSystemProxy } from '../../src/main/core/est/system-proxy-read';
import { proxyFor } from '../../src/main/core/est/proxy';

const BANK = 'https://est.bank.example.co.jp/.well-known/est/cacerts';

// `reg query "HKCU\Software\Microsoft\Windows\CurrentVersion\Internet Settings"` on Windows 11.
const REG_PER_PROTOCOL = `
HKEY_CURRENT_USER\\Software\\Microsoft\\Windows\\CurrentVersion\\Internet Settings
    DisableCachingOfSSLPages    REG_DWORD    0x0
    IE5_UA_Backup_Flag    REG_SZ    5.0
    PrivacyAdvanced    REG_DWORD    0x1
    SecureProtocols    REG_DWORD    0xa80
    User Agent    REG_SZ    Mozilla/4.0 (compatible; MSIE 8.0; Win32)
    CertificateRevocation    REG_DWORD    0x1
    ZonesSecurityUpgrade    REG_BINARY    A0D5C7B1E6C4D901
    ProxyEnable    REG_DWORD    0x1
    ProxyServer    REG_SZ    http=proxy.corp.example.co.jp:8080;https=sslproxy.corp.example.co.jp:8443;ftp=proxy.corp.example.co.jp:8021
    ProxyOverride    REG_SZ    *.corp.example.co.jp;192.168.*;<local>
    EnableNegotiate    REG_DWORD    0x1
    MigrateProxy    REG_DWORD    0x1

HKEY_CURRENT_USER\\Software\\Microsoft\\Windows\\CurrentVersion\\Internet Settings\\5.0
HKEY_CURRENT_USER\\Software\\Microsoft\\Windows\\CurrentVersion\\Internet Settings\\Connections
HKEY_CURRENT_USER\\Software\\Microsoft\\Windows\\CurrentVersion\\Internet Settings\\ZoneMap
`;
const REG_DISABLED_WITH_PAC = `
HKEY_CURRENT_USER\\Software\\Microsoft\\Windows\\CurrentVersion\\Internet Settings
    ProxyEnable    REG_DWORD    0x0
    ProxyServer    REG_SZ    proxy.corp.example.co.jp:8080
    AutoConfigURL    REG_SZ    http://wpad.corp.example.co.jp/proxy.pac
`;
const NETSH_EN = `
Current WinHTTP proxy settings:

    Proxy Server(s) :  proxy.corp.example.co.jp:8080
    Bypass List     :  <local>;*.corp.example.co.jp

`;
const NETSH_DIRECT = `
Current WinHTTP proxy settings:

    Direct access (no proxy server).

`;
// Japanese Windows: the console's CP932 bytes (glibc's iconv makes them), read as latin1 as
// system-proxy-read.ts reads them: the labels are mojibake, the values are not.
const NETSH_JA = execFileSync('iconv', ['-f', 'UTF-8', '-t', 'CP932'], {
  input: '\r\n現在の WinHTTP プロキシ設定:\r\n\r\n    プロキシ サーバー:  http=p.example.jp:3128;https=p.example.jp:3129\r\n    バイパス一覧     :  (なし)\r\n\r\n',
}).toString('latin1');
const SCUTIL = `<dictionary> {
  ExceptionsList : <array> {
    0 : *.local
    1 : 169.254/16
    2 : intra.example.co.jp
  }
  ExcludeSimpleHostnames : 1
  FTPPassive : 1
  HTTPEnable : 1
  HTTPPort : 8080
  HTTPProxy : proxy.corp.example.co.jp
  HTTPSEnable : 1
  HTTPSPort : 8443
  HTTPSProxy : sslproxy.corp.example.co.jp
  ProxyAutoConfigEnable : 0
}
`;
const SCUTIL_OFF = `<dictionary> {
  ExceptionsList : <array> {
    0 : *.local
    1 : 169.254/16
  }
  FTPPassive : 1
  HTTPEnable : 0
  HTTPSEnable : 0
}
`;

describe('Windows: the user\'s Internet settings (registry)', () => {
  it('per-protocol ProxyServer: the https= entry, the bypass list and <local>', () => {
    const sys = parseIeRegistry(REG_PER_PROTOCOL);
    expect(sys).toEqual({ source: 'windows-user', https: 'http://sslproxy.corp.example.co.jp:8443', bypass: ['*.corp.example.co.jp', '192.168.*'], bypassSimpleHosts: true });
    expect(systemProxyFor(sys, BANK)).toBe('http://sslproxy.corp.example.co.jp:8443');
    expect(systemProxyFor(sys, 'https://est.corp.example.co.jp/')).toBeNull();
    expect(systemProxyFor(sys, 'https://192.168.10.5/')).toBeNull();
    expect(systemProxyFor(sys, 'https://intranet/')).toBeNull();
  });

  it('ProxyEnable 0: no proxy, the PAC file named (the command line cannot run it)', () => {
    expect(parseIeRegistry(REG_DISABLED_WITH_PAC)).toEqual({ source: 'windows-user', https: null, bypass: [], bypassSimpleHosts: false, pac: 'http://wpad.corp.example.co.jp/proxy.pac' });
  });

  it('ProxyServer forms: one server for all, per protocol without https (direct, as the browsers do), with a scheme', () => {
    expect(httpsFromWindowsServer('proxy:8080')).toBe('http://proxy:8080');
    expect(httpsFromWindowsServer('http=proxy:8080;ftp=proxy:21')).toBeNull();
    expect(httpsFromWindowsServer('https=http://p:3128')).toBe('http://p:3128');
    expect(httpsFromWindowsServer('HTTPS=p:3128;socks=s:1080')).toBe('http://p:3128');
    expect(httpsFromWindowsServer('')).toBeNull();
  });
});

describe('Windows: WinHTTP (netsh winhttp show proxy)', () => {
  it('English output', () => {
    const sys = parseNetshWinhttp(NETSH_EN);
    expect(sys).toEqual({ source: 'winhttp', https: 'http://proxy.corp.example.co.jp:8080', bypass: ['*.corp.example.co.jp'], bypassSimpleHosts: true });
  });
  it('direct access', () => {
    expect(parseNetshWinhttp(NETSH_DIRECT).https).toBeNull();
  });
  it('Japanese Windows: the values are read whatever the labels say', () => {
    const sys = parseNetshWinhttp(NETSH_JA);
    expect(sys.https).toBe('http://p.example.jp:3129');
    expect(systemProxyFor(sys, BANK)).toBe('http://p.example.jp:3129');
  });
});

describe('macOS: scutil --proxy', () => {
  it('HTTPSEnable/HTTPSProxy/HTTPSPort and the exceptions', () => {
    const sys = parseScutilProxy(SCUTIL);
    expect(sys).toEqual({ source: 'macos', https: 'http://sslproxy.corp.example.co.jp:8443', bypass: ['*.local', '169.254/16', 'intra.example.co.jp'], bypassSimpleHosts: true });
    expect(systemProxyFor(sys, BANK)).toBe('http://sslproxy.corp.example.co.jp:8443');
    expect(systemProxyFor(sys, 'https://169.254.3.4/')).toBeNull();
    expect(systemProxyFor(sys, 'https://169.255.3.4/')).toBe('http://sslproxy.corp.example.co.jp:8443');
    expect(systemProxyFor(sys, 'https://www.intra.example.co.jp/')).toBeNull();
    expect(systemProxyFor(sys, 'https://printer.local/')).toBeNull();
  });
  it('HTTPS off: direct', () => {
    expect(parseScutilProxy(SCUTIL_OFF)).toEqual({ source: 'macos', https: null, bypass: [], bypassSimpleHosts: false });
  });
});

describe('the environment (curl\'s rules)', () => {
  it('lower case first, then upper, then ALL_PROXY; NO_PROXY by domain, port and *', () => {
    expect(proxyFromEnv({ https_proxy: 'http://a:1', HTTPS_PROXY: 'http://b:2' }).https).toBe('http://a:1');
    expect(proxyFromEnv({ ALL_PROXY: 'c:3' }).https).toBe('http://c:3');
    expect(proxyFromEnv({ HTTP_PROXY: 'http://d:4' }).https).toBeNull();
    const sys = proxyFromEnv({ HTTPS_PROXY: 'http://p:8080', NO_PROXY: 'localhost, .example.co.jp,bank.test:8443' });
    expect(systemProxyFor(sys, BANK)).toBeNull();
    expect(systemProxyFor(sys, 'https://example.co.jp/')).toBeNull();
    expect(systemProxyFor(sys, 'https://bank.test:8443/')).toBeNull();
    expect(systemProxyFor(sys, 'https://bank.test/')).toBe('http://p:8080');
    expect(systemProxyFor(proxyFromEnv({ HTTPS_PROXY: 'http://p:8080', no_proxy: '*' }), BANK)).toBeNull();
  });

  // curl itself decides, with a listening proxy and a listening bank: whichever gets the connection
  // shows curl's choice. These are the cases where proxy-from-env (the npm package) decides
  // otherwise: it proxies example.co.jp under `.example.co.jp` and subdomains under a bare name.
  it('NO_PROXY: the same choices as curl', async () => {
    const seen: string[] = [];
    const listen = (name: string) =>
      new Promise<Server>((resolve) => {
        const server = createServer((socket) => {
          seen.push(name);
          socket.destroy();
        });
        server.listen(0, '127.0.0.1', () => resolve(server));
      });
    const proxy = await listen('proxy');
    const bank = await listen('direct');
    const port = (s: Server) => (s.address() as AddressInfo).port;
    try {
      const cases: Array<[string, string]> = [
        ['.example.co.jp', 'example.co.jp'],
        ['.example.co.jp', 'est.example.co.jp'],
        ['example.co.jp', 'est.bank.example.co.jp'],
        ['example.co.jp', 'badexample.co.jp'],
        [' other.jp , example.co.jp ', 'est.example.co.jp'],
        ['other.jp', 'est.example.co.jp'],
      ];
      for (const [noProxy, host] of cases) {
        const url = `https://${host}:${port(bank)}/`;
        const env = { HTTPS_PROXY: `http://127.0.0.1:${port(proxy)}`, NO_PROXY: noProxy };
        seen.length = 0;
        await new Promise<void>((resolve) => {
          execFile('curl', ['-sS', '--max-time', '10', '--resolve', `${host}:${port(bank)}:127.0.0.1`, url], { env: { PATH: process.env.PATH, ...env } }, () => resolve());
        });
        expect([noProxy, host, seen]).toEqual([noProxy, host, [systemProxyFor(proxyFromEnv(env), url) ? 'proxy' : 'direct']]);
      }
      // The one place we read NO_PROXY more widely than curl (7.88 proxies it): a leading `*.`
      // goes direct, as in proxy-from-env and the Windows and macOS lists.
      expect(systemProxyFor(proxyFromEnv({ HTTPS_PROXY: 'http://p:8080', NO_PROXY: '*.example.co.jp' }), 'https://est.example.co.jp/')).toBeNull();
    } finally {
      proxy.close();
      bank.close();
    }
  });

  it('credentials in the proxy URL are kept for Proxy-Authorization, and never shown in a refusal', () => {
    const sys = proxyFromEnv({ HTTPS_PROXY: 'http://taro:pa%40ss@proxy:3128' });
    expect(proxyFor('system', BANK, sys)).toBe('http://taro:pa%40ss@proxy:3128/');
    const bad = proxyFromEnv({ HTTPS_PROXY: 'socks5://taro:hunter2@proxy:1080' });
    expect(() => proxyFor('system', BANK, bad)).toThrow(/"socks5:\/\/\*\*\*@proxy:1080" is not supported/);
  });
});

describe('readSystemProxy: the exact commands', () => {
  const recorder = (answers: Record<string, string | Error>) => {
    const asked: Array<[string, string[]]> = [];
    const run = async (file: string, args: string[]) => {
      asked.push([file, args]);
      const a = answers[file];
      if (a === undefined || a instanceof Error) throw a ?? new Error('not found');
      return a;
    };
    return { asked, run };
  };

  it('Windows: the user\'s settings first, by full path, and WinHTTP only when they name no proxy', async () => {
    const r = recorder({ 'C:\\Windows\\System32\\reg.exe': REG_PER_PROTOCOL });
    const sys = await readSystemProxy({ platform: 'win32', env: { SystemRoot: 'C:\\Windows' }, run: r.run });
    expect(r.asked).toEqual([['C:\\Windows\\System32\\reg.exe', ['query', IE_SETTINGS_KEY]]]);
    expect(IE_SETTINGS_KEY).toBe('HKCU\\Software\\Microsoft\\Windows\\CurrentVersion\\Internet Settings');
    expect(sys.https).toBe('http://sslproxy.corp.example.co.jp:8443');

    const r2 = recorder({ 'D:\\WIN\\System32\\reg.exe': REG_DISABLED_WITH_PAC, 'D:\\WIN\\System32\\netsh.exe': NETSH_EN });
    const sys2 = await readSystemProxy({ platform: 'win32', env: { SystemRoot: 'D:\\WIN' }, run: r2.run });
    expect(r2.asked).toEqual([
      ['D:\\WIN\\System32\\reg.exe', ['query', IE_SETTINGS_KEY]],
      ['D:\\WIN\\System32\\netsh.exe', ['winhttp', 'show', 'proxy']],
    ]);
    expect(sys2.source).toBe('winhttp');
  });

  it('Windows: nothing anywhere is a direct connection, the PAC file noted; a failing command is no proxy', async () => {
    const r = recorder({ 'C:\\Windows\\System32\\reg.exe': REG_DISABLED_WITH_PAC, 'C:\\Windows\\System32\\netsh.exe': NETSH_DIRECT });
    expect(await readSystemProxy({ platform: 'win32', env: {}, run: r.run })).toEqual({ source: 'none', https: null, bypass: [], bypassSimpleHosts: false, pac: 'http://wpad.corp.example.co.jp/proxy.pac' });
    const broken = recorder({});
    expect((await readSystemProxy({ platform: 'win32', env: {}, run: broken.run })).https).toBeNull();
    expect(broken.asked).toHaveLength(2);
  });

  it('macOS: /usr/sbin/scutil --proxy', async () => {
    const r = recorder({ '/usr/sbin/scutil': SCUTIL });
    expect((await readSystemProxy({ platform: 'darwin', env: {}, run: r.run })).https).toBe('http://sslproxy.corp.example.co.jp:8443');
    expect(r.asked).toEqual([['/usr/sbin/scutil', ['--proxy']]]);
  });

  it('the environment wins everywhere and asks nothing; Linux reads only it', async () => {
    const r = recorder({});
    expect((await readSystemProxy({ platform: 'win32', env: { HTTPS_PROXY: 'http://e:1' }, run: r.run })).https).toBe('http://e:1');
    expect((await readSystemProxy({ platform: 'linux', env: {}, run: r.run })).https).toBeNull();
    expect(r.asked).toEqual([]);
  });
});
