import { isIP } from 'node:net';
import { ConfigError } from './errors.js';

/**
 * True for hosts that can only be reached from this machine. Plain http to
 * them cannot be intercepted on the network, which is why it is the only
 * exception to the https rule (and only when asked for explicitly).
 */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname;
  if (host.toLowerCase() === 'localhost') return true;
  const family = isIP(host);
  if (family === 4) return host.split('.')[0] === '127';
  if (family === 6) return host === '::1' || host === '0:0:0:0:0:0:0:1';
  return false;
}

/**
 * Parses a URL the verifier will fetch keys or introspection results from.
 * Keys and token metadata fetched over plain http could be swapped by anyone
 * on the path, turning the verifier into a rubber stamp: only https is
 * accepted, except loopback with `allowInsecureLoopback`.
 */
export function requireSecureUrl(setting: string, raw: string, allowInsecureLoopback: boolean): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch (cause) {
    throw new ConfigError(setting, `${setting} is not a valid URL`, { cause });
  }
  if (url.username !== '' || url.password !== '') {
    throw new ConfigError(setting, `${setting} must not embed credentials in the URL`);
  }
  if (url.protocol === 'https:') return url;
  if (url.protocol === 'http:' && allowInsecureLoopback && isLoopbackHost(url.hostname)) return url;
  if (url.protocol === 'http:' && isLoopbackHost(url.hostname)) {
    throw new ConfigError(
      setting,
      `${setting} must use https: (plain http is allowed for loopback hosts only with allowInsecureLoopback: true)`,
    );
  }
  throw new ConfigError(setting, `${setting} must use https:`);
}
