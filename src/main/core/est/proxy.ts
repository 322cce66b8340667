// Which proxy a request goes through. `system` means the environment (HTTPS_PROXY, NO_PROXY),
// as curl and most CLI tools read it; the Electron transport uses Chromium's own resolution.
import { getProxyForUrl } from 'proxy-from-env';
import { redactText } from '../../../shared/redact';
import { CoreError } from '../errors';
import type { ProxySetting } from './types';

/** The proxy URL for `url`, or null for a direct connection. */
export function proxyFor(setting: ProxySetting, url: string): string | null {
  let proxy: string;
  if (setting === 'direct') return null;
  if (setting === 'system') {
    proxy = getProxyForUrl(url);
    if (!proxy) return null;
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
