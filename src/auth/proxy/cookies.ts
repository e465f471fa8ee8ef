import { hmacB64url, safeEqual } from './secrets.js';

/**
 * Signed `__Host-` cookies. The prefix makes the browser refuse the cookie unless it is
 * Secure, host-only (no Domain) and Path=/, so a sibling subdomain cannot plant or overwrite
 * it. The HMAC binds each value to its cookie name, so a value cannot be moved between cookies.
 */
export const COOKIE_PREFIX = '__Host-mcpb-';

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

/** Secure, HttpOnly, SameSite=Lax, Path=/ and no Domain: what the `__Host-` prefix demands, plus no script access. */
export function hostCookie(name: string, value: string, maxAgeSeconds: number): string {
  if (!name.startsWith(COOKIE_PREFIX)) throw new Error(`cookie ${name} must use the ${COOKIE_PREFIX} prefix`);
  return `${name}=${value}; Path=/; Secure; HttpOnly; SameSite=Lax; Max-Age=${Math.max(0, Math.floor(maxAgeSeconds))}`;
}

export function clearCookie(name: string): string {
  return hostCookie(name, '', 0);
}
