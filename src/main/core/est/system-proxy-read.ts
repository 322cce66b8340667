// Asks the OS for its HTTPS proxy (policy `proxy: "system"`, command line only: the app's
// Chromium resolves the OS setting and PAC files itself). The environment first, as for
// curl: a proxy set for this shell is the user's intent. Then Windows: the user's Internet
// settings (what the browsers use), else WinHTTP; macOS: the network settings. A command
// that fails means no proxy from it: the request goes direct and, if that fails, the
// error says to set the policy's proxy.
import { execFile } from 'node:child_process';
import { system32Tool } from '../../../shared/windows-tools';
import { NO_SYSTEM_PROXY, parseIeRegistry, parseNetshWinhttp, parseScutilProxy, proxyFromEnv, type SystemProxy } from './system-proxy';

/** Runs a program, resolves its standard output (or rejects). */
export type ProxyCommandRunner = (file: string, args: string[]) => Promise<string>;

export const IE_SETTINGS_KEY = 'HKCU\\Software\\Microsoft\\Windows\\CurrentVersion\\Internet Settings';

const runCommand: ProxyCommandRunner = (file, args) =>
  new Promise((resolve, reject) => {
    // latin1: the values are ASCII in every Windows language; the labels around them may be
    // in the console's code page (CP932 on Japanese Windows), which the parsers do not read.
    execFile(file, args, { encoding: 'latin1', timeout: 5000, windowsHide: true }, (err, stdout) => (err ? reject(err) : resolve(stdout)));
  });

export interface SystemProxyDeps {
  platform?: NodeJS.Platform;
  env?: Readonly<Record<string, string | undefined>>;
  run?: ProxyCommandRunner;
}

export async function readSystemProxy(deps: SystemProxyDeps = {}): Promise<SystemProxy> {
  const platform = deps.platform ?? process.platform;
  const env = deps.env ?? process.env;
  const run = deps.run ?? runCommand;
  const fromEnv = proxyFromEnv(env);
  if (fromEnv.https) return fromEnv;
  const attempt = async (file: string, args: string[], parse: (s: string) => SystemProxy): Promise<SystemProxy | null> => {
    try {
      return parse(await run(file, args));
    } catch {
      return null;
    }
  };
  if (platform === 'win32') {
    // By full path: a reg.exe or netsh.exe earlier on PATH must not decide where the bank's traffic goes.
    const user = await attempt(system32Tool(env, 'reg.exe'), ['query', IE_SETTINGS_KEY], parseIeRegistry);
    if (user?.https) return user;
    const winhttp = await attempt(system32Tool(env, 'netsh.exe'), ['winhttp', 'show', 'proxy'], parseNetshWinhttp);
    if (winhttp?.https) return winhttp;
    return user?.pac ? { ...NO_SYSTEM_PROXY, pac: user.pac } : NO_SYSTEM_PROXY;
  }
  if (platform === 'darwin') {
    return (await attempt('/usr/sbin/scutil', ['--proxy'], parseScutilProxy)) ?? NO_SYSTEM_PROXY;
  }
  return NO_SYSTEM_PROXY;
}
