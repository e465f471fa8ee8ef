import { isIP } from 'node:net';
import { ConfigError } from '../errors.js';

/**
 * The one place that decides which URLs count as "this machine" and when plain http is
 * acceptable. Plain http to a loopback host cannot be read or changed on the network, which is
 * why loopback is the only exception to the https rule anywhere in the package.
 */

function unbracket(host: string): string {
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
}

/** IP literals of this machine (127.0.0.0/8, ::1), bracketed or not. Names, even `localhost`, are not addresses. */
export function isLoopbackAddress(host: string): boolean {
  const h = unbracket(host).toLowerCase();
  const family = isIP(h);
  if (family === 4) return h.split('.')[0] === '127';
  if (family === 6) return h === '::1' || h === '0:0:0:0:0:0:0:1';
  return false;
}

/**
 * A URL host that only reaches this machine: a loopback address, or exactly `localhost`
 * (browsers and the WHATWG URL spec pin it to loopback). Look-alikes such as
 * `localhost.evil.example`, `127.0.0.1.nip.io` or `foo.localhost` are ordinary names.
 */
export function isLoopbackHost(hostname: string): boolean {
  return unbracket(hostname).toLowerCase() === 'localhost' || isLoopbackAddress(hostname);
}

/** https, or http to a loopback host when `allowLoopbackHttp` is set. Nothing else. */
export function isHttpsOrLoopbackHttp(url: URL, allowLoopbackHttp: boolean): boolean {
  if (url.protocol === 'https:') return true;
  return allowLoopbackHttp && url.protocol === 'http:' && isLoopbackHost(url.hostname);
}

/** Parses a URL option: present, absolute, no embedded credentials. Errors name the option. */
export function parseUrlOption(option: string, raw: unknown): URL {
  if (typeof raw !== 'string' || raw.trim() === '') throw new ConfigError(option, 'is required');
  let url: URL;
  try {
    url = new URL(raw);
  } catch (cause) {
    throw new ConfigError(option, `"${raw}" is not a valid URL`, { cause });
  }
  if (url.username !== '' || url.password !== '') throw new ConfigError(option, 'must not embed credentials in the URL');
  return url;
}

/**
 * A public URL of this server (base URL, issuer, callback): https, or plain http on a loopback
 * host, which is what local development needs and what no one else on the network can see.
 */
export function requireHttpsUnlessLoopback(option: string, raw: unknown): URL {
  const url = parseUrlOption(option, raw);
  if (isHttpsOrLoopbackHttp(url, true)) return url;
  throw new ConfigError(
    option,
    `must use https (plain http is accepted only for a loopback host: 127.0.0.1, [::1] or localhost); got ${url.protocol}//${url.host}`,
  );
}

/**
 * A URL this server fetches from or trusts as an authority (JWKS, introspection, upstream
 * endpoints). Keys or token answers fetched over plain http could be swapped by anyone on the
 * path, so https is required; http on loopback only with the switch named by `switchName`
 * (tests and local identity providers).
 */
export function requireHttps(option: string, raw: unknown, allowLoopbackHttp: boolean, switchName = 'allowInsecureLoopback'): URL {
  const url = parseUrlOption(option, raw);
  if (isHttpsOrLoopbackHttp(url, allowLoopbackHttp)) return url;
  if (url.protocol === 'http:' && isLoopbackHost(url.hostname)) {
    throw new ConfigError(option, `must use https: (plain http is allowed for loopback hosts only with ${switchName}: true)`);
  }
  throw new ConfigError(option, 'must use https:');
}
