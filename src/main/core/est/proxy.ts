// Which proxy a request goes through. `system` means what the OS says (system-proxy-read.ts:
// the environment, the Windows user's or WinHTTP settings, macOS's network settings); the
// Electron transport uses Chromium's own resolution instead.
import { redactText } from '../../../shared/redact';
import { CoreError } from '../errors';
import { proxyFromEnv, systemProxyFor, type SystemProxy } from './system-proxy';
import type { ProxySetting } from './types';

/**
 * The proxy URL for `url`, or null for a direct connection. `system` is the OS's answer
 * when given, else the environment's.
 */
export function proxyFor(setting: ProxySetting, url: string, system?: SystemProxy): string | null {
  let proxy: string;
  if (setting === 'direct') return null;
  if (setting === 'system') {
    const found = systemProxyFor(system ?? proxyFromEnv(process.env), url);
    if (!found) return null;
    proxy = found;
  } else {
    proxy = setting;
  }
  let parsed: URL;
  try {
    parsed = new URL(proxy);
  } catch {
    throw new CoreError('INVALID_INPUT', `The proxy setting "${redactText(proxy)}" is not a URL. Set the policy's proxy to "system", "direct" or http://host:port.`, { reason: 'PROXY_URL' });
  }
  if (parsed.protocol !== 'http:' || !parsed.hostname) {
    throw new CoreError('INVALID_INPUT', `The proxy "${redactText(proxy)}" is not supported: only http://host:port proxies (HTTPS through CONNECT) are. Fix the policy's proxy or HTTPS_PROXY.`, { reason: 'PROXY_URL' });
  }
  return parsed.href;
}

/** host:port of a proxy URL, for messages: never its credentials. */
export function proxyHost(proxy: string): string {
  const u = new URL(proxy);
  return u.port ? `${u.hostname}:${u.port}` : u.hostname;
}

/**
 * The policy's fixed proxy with the user's credentials for it, when HTTPS_PROXY (or
 * https_proxy, ALL_PROXY) names the same host and port with a user name: a machine-wide
 * policy never holds a password, the user's environment may.
 */
export function withEnvCredentials(proxy: string | null, env: Readonly<Record<string, string | undefined>>): string | null {
  if (!proxy) return proxy;
  const fromEnv = proxyFromEnv(env).https;
  if (!fromEnv) return proxy;
  let target: URL;
  let creds: URL;
  try {
    target = new URL(proxy);
    creds = new URL(fromEnv);
  } catch {
    return proxy;
  }
  if (target.username || !creds.username || creds.host.toLowerCase() !== target.host.toLowerCase()) return proxy;
  target.username = creds.username;
  target.password = creds.password;
  return target.href;
}

