// What the OS says about the proxy for HTTPS, read from each OS's own words: the Windows
// user's Internet settings (the registry, as the browsers use them), WinHTTP (`netsh`),
// macOS (`scutil --proxy`) and the environment (curl's rules). Pure parsers: the commands
// that produce the text are in system-proxy-read.ts.

/** The HTTPS proxy one source names, and the hosts that bypass it. */
export interface SystemProxy {
  /** Where the answer came from, for the log and the diagnostics (never with credentials). */
  source: 'env' | 'windows-user' | 'winhttp' | 'macos' | 'none';
  /** http://[user:pass@]host:port, or null for a direct connection. */
  https: string | null;
  /** Host patterns that go direct: `*.example.co.jp`, `.example.co.jp`, `10.*`, `169.254/16`, `*`. */
  bypass: string[];
  /** Host names without a dot go direct (Windows `<local>`, macOS ExcludeSimpleHostnames). */
  bypassSimpleHosts: boolean;
  /** A PAC file the OS names: the command line cannot evaluate it (Chromium does, in the app). */
  pac?: string;
}

export const NO_SYSTEM_PROXY: SystemProxy = { source: 'none', https: null, bypass: [], bypassSimpleHosts: false };

/** `host:port` or `http://host:port` as an http:// URL; anything else is returned as given for proxyFor to refuse. */
function asProxyUrl(server: string): string {
  const s = server.trim();
  return /^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(s) ? s : `http://${s}`;
}

/**
 * Windows' ProxyServer value: `host:port` for every protocol, or `http=h:p;https=h:p;ftp=…`
 * per protocol (then HTTPS goes direct when no `https=` entry is there, as in the browsers).
 */
export function httpsFromWindowsServer(value: string): string | null {
  const parts = value.split(';').map((p) => p.trim()).filter(Boolean);
  if (parts.length === 0) return null;
  if (!parts.some((p) => p.includes('='))) return asProxyUrl(parts[0]!);
  for (const p of parts) {
    const [proto, server] = p.split('=', 2).map((x) => x.trim());
    if (proto?.toLowerCase() === 'https' && server) return asProxyUrl(server);
  }
  return null;
}

/** Windows' bypass list (`;` or space separated); `<local>` is the simple-hosts rule, not a pattern. */
function windowsBypass(value: string): { bypass: string[]; bypassSimpleHosts: boolean } {
  const items = value.split(/[;\s]+/).map((s) => s.trim()).filter(Boolean);
  return { bypass: items.filter((i) => i.toLowerCase() !== '<local>'), bypassSimpleHosts: items.some((i) => i.toLowerCase() === '<local>') };
}

/**
 * `reg query "HKCU\Software\Microsoft\Windows\CurrentVersion\Internet Settings"`: lines of
 * `    Name    REG_TYPE    Data` (the value names are the same in every Windows language).
 */
export function parseIeRegistry(stdout: string): SystemProxy {
  const values = new Map<string, string>();
  for (const line of stdout.split(/\r?\n/)) {
    const m = /^\s+(\S+)\s+REG_[A-Z_]+\s+(.*?)\s*$/.exec(line);
    if (m) values.set(m[1]!.toLowerCase(), m[2]!);
  }
  const enabled = /^0x0*1$/i.test(values.get('proxyenable') ?? '');
  const pac = values.get('autoconfigurl');
  const server = enabled ? httpsFromWindowsServer(values.get('proxyserver') ?? '') : null;
  return {
    source: 'windows-user',
    https: server,
    ...windowsBypass(server ? (values.get('proxyoverride') ?? '') : ''),
    ...(pac ? { pac } : {}),
  };
}

/**
 * `netsh winhttp show proxy`. Its words follow the Windows language (and the console code
 * page), its values do not: the first `label : value` line is the proxy, the second the
 * bypass list; "Direct access (no proxy server)." has neither.
 */
export function parseNetshWinhttp(stdout: string): SystemProxy {
  const values: string[] = [];
  for (const line of stdout.split(/\r?\n/)) {
    const m = /^\s*[^:]+?\s*:\s+(\S.*?)\s*$/.exec(line);
    if (m) values.push(m[1]!);
  }
  const server = values[0] ? httpsFromWindowsServer(values[0]) : null;
  return { source: 'winhttp', https: server, ...windowsBypass(server && values[1] ? values[1] : '') };
}

/** `scutil --proxy`: a dictionary of `Key : value` lines, ExceptionsList an array of `N : pattern`. */
export function parseScutilProxy(stdout: string): SystemProxy {
  const values = new Map<string, string>();
  const exceptions: string[] = [];
  let inExceptions = false;
  for (const line of stdout.split(/\r?\n/)) {
    const m = /^\s*(\S+)\s*:\s*(.*?)\s*$/.exec(line);
    if (inExceptions) {
      if (/^\s*}/.test(line)) inExceptions = false;
      else if (m && /^\d+$/.test(m[1]!)) exceptions.push(m[2]!);
      continue;
    }
    if (!m) continue;
    if (m[1] === 'ExceptionsList' && m[2]!.startsWith('<array>')) inExceptions = true;
    else values.set(m[1]!, m[2]!);
  }
  const host = values.get('HTTPSProxy');
  const port = values.get('HTTPSPort');
  const https = values.get('HTTPSEnable') === '1' && host ? `http://${host}${port ? `:${port}` : ''}` : null;
  const pac = values.get('ProxyAutoConfigEnable') === '1' ? values.get('ProxyAutoConfigURLString') : undefined;
  return {
    source: 'macos',
    https,
    bypass: https ? exceptions : [],
    bypassSimpleHosts: Boolean(https) && values.get('ExcludeSimpleHostnames') === '1',
    ...(pac ? { pac } : {}),
  };
}

/**
 * The environment, as curl reads it: https_proxy, HTTPS_PROXY, all_proxy, ALL_PROXY; no_proxy, NO_PROXY.
 * Not proxy-from-env: it reads only process.env, proxies `example.co.jp` under `.example.co.jp` and
 * subdomains under a bare name (curl goes direct: test/est/proxy-system.test.ts asks curl), and
 * the matching below serves the Windows and macOS lists too.
 */
export function proxyFromEnv(env: Readonly<Record<string, string | undefined>>): SystemProxy {
  const pick = (...names: string[]) => names.map((n) => env[n]?.trim()).find((v) => v);
  const server = pick('https_proxy', 'HTTPS_PROXY', 'all_proxy', 'ALL_PROXY');
  const noProxy = pick('no_proxy', 'NO_PROXY') ?? '';
  return {
    source: 'env',
    https: server ? asProxyUrl(server) : null,
    bypass: noProxy.split(/[,\s]+/).filter(Boolean),
    bypassSimpleHosts: false,
  };
}

function ipv4(host: string): number[] | null {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(host);
  return m ? m.slice(1).map(Number) : null;
}

/** One bypass pattern against a host (and port): wildcards, a leading dot, `*`, an IPv4 prefix `a.b/16`, `host:port`. */
function matches(pattern: string, host: string, port: string): boolean {
  let p = pattern.trim().toLowerCase().replace(/^[a-z]+:\/\//, '');
  if (p === '*') return true;
  const cidr = /^([\d.]+)\/(\d{1,2})$/.exec(p);
  if (cidr) {
    const ip = ipv4(host);
    const octets = cidr[1]!.split('.').filter(Boolean).map(Number);
    while (octets.length < 4) octets.push(0);
    const bits = Number(cidr[2]);
    if (!ip || octets.length !== 4 || bits > 32) return false;
    if (bits === 0) return true;
    const num = (o: number[]) => o.reduce((a, b) => a * 256 + b, 0) >>> 0;
    return num(ip) >>> (32 - bits) === num(octets) >>> (32 - bits);
  }
  const withPort = /^(.*):(\d+)$/.exec(p);
  if (withPort) {
    if (withPort[2] !== port) return false;
    p = withPort[1]!;
  }
  if (p.startsWith('.')) return host === p.slice(1) || host.endsWith(p);
  if (p.includes('*')) {
    const re = new RegExp(`^${p.split('*').map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
    return re.test(host);
  }
  // curl's NO_PROXY: a name also covers its subdomains.
  return host === p || host.endsWith(`.${p}`);
}

/** The proxy URL for `url` by what the OS says, or null for a direct connection. */
export function systemProxyFor(sys: SystemProxy, url: string): string | null {
  if (!sys.https) return null;
  const u = new URL(url);
  const host = u.hostname.toLowerCase().replace(/^\[|\]$/g, '');
  const port = u.port || (u.protocol === 'https:' ? '443' : '80');
  if (sys.bypassSimpleHosts && !host.includes('.') && !host.includes(':')) return null;
  if (sys.bypass.some((p) => matches(p, host, port))) return null;
  return sys.https;
}
