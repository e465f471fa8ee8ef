import { hmacB64url, safeEqual } from './secrets.js';

/**
 * Signed cookies of the consent flow. Over https they are `__Host-` cookies: the prefix makes
 * the browser refuse them unless Secure, host-only (no Domain) and Path=/, so a sibling
 * subdomain cannot plant or overwrite them. The HMAC binds each value to its cookie name, so
 * a value cannot be moved between cookies.
 */
export const COOKIE_PREFIX = '__Host-mcpb-';
/**
 * On a plain-http loopback base URL (development), browsers differ on whether they keep a
 * Secure cookie set over http (Chromium does on localhost and 127.0.0.1; not every browser
 * does), and `__Host-` demands Secure, so the cookies drop both and keep HttpOnly,
 * SameSite=Lax, Path=/ and no Domain. Cookies are not isolated by port, so another local
 * service could read or plant them: the HMAC still authenticates every value, and the
 * startup warning says this mode is for development only.
 */
export const LOOPBACK_COOKIE_PREFIX = 'mcpb-';

/** Builds Set-Cookie values with one naming and attribute rule for the whole proxy. */
export interface CookiePolicy {
  /** True when cookies are Secure `__Host-` cookies (https base URL). */
  readonly secure: boolean;
  readonly prefix: string;
  set(name: string, value: string, maxAgeSeconds: number): string;
  clear(name: string): string;
}

export function cookiePolicy(baseUrl: URL): CookiePolicy {
  const secure = baseUrl.protocol === 'https:';
  const prefix = secure ? COOKIE_PREFIX : LOOPBACK_COOKIE_PREFIX;
  const set = (name: string, value: string, maxAgeSeconds: number): string => {
    if (!name.startsWith(prefix)) throw new Error(`cookie ${name} must use the ${prefix} prefix`);
    return `${name}=${value}; Path=/;${secure ? ' Secure;' : ''} HttpOnly; SameSite=Lax; Max-Age=${Math.max(0, Math.floor(maxAgeSeconds))}`;
  };
  return { secure, prefix, set, clear: (name) => set(name, '', 0) };
}

export function parseCookies(header: string | null): Map<string, string> {
  const out = new Map<string, string>();
  if (!header) return out;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    const name = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    // First occurrence wins, as in browsers' ordering (most specific path first; ours is always /).
    if (!out.has(name)) out.set(name, value);
  }
  return out;
}

export function signCookieValue(key: Uint8Array, name: string, value: string): string {
  return `${value}.${hmacB64url(key, `${name}\u0000${value}`)}`;
}

/** The signed value, or undefined when missing, malformed or not signed by us for this name. */
export function verifyCookieValue(key: Uint8Array, name: string, signed: string | undefined): string | undefined {
  if (!signed) return undefined;
  const dot = signed.lastIndexOf('.');
  if (dot <= 0) return undefined;
  const value = signed.slice(0, dot);
  const mac = signed.slice(dot + 1);
  return safeEqual(mac, hmacB64url(key, `${name}\u0000${value}`)) ? value : undefined;
}
