import { isLoopbackAddress } from '../net/url-policy.js';

/**
 * DNS-rebinding defence. A page on evil.example that resolves its name to 127.0.0.1 still sends
 * `Host: evil.example` (and its own Origin), so both headers are checked against allow-lists.
 */
export interface OriginPolicy {
  /** Lower-case `host` or `host:port` entries; an entry without a port matches any port. */
  readonly allowedHosts: readonly string[];
  /** Exact origins, lower-case, e.g. `http://127.0.0.1:3000`. */
  readonly allowedOrigins: readonly string[];
}

/** Splits a Host header into hostname and port. IPv6 literals keep their brackets. */
export function parseHostHeader(value: string): { hostname: string; port: string } | undefined {
  const v = value.trim().toLowerCase();
  if (v === '' || /[\s/@?#\\]/.test(v)) return undefined;
  const m = /^(\[[0-9a-f:.]+\]|[^:[\]]+)(?::(\d{1,5}))?$/.exec(v);
  if (!m) return undefined;
  return { hostname: m[1] as string, port: m[2] ?? '' };
}

export function isHostAllowed(hostHeader: string | null, policy: OriginPolicy): boolean {
  if (hostHeader === null) return false;
  const h = parseHostHeader(hostHeader);
  if (!h) return false;
  for (const entry of policy.allowedHosts) {
    const e = parseHostHeader(entry);
    if (!e) continue;
    if (e.hostname === h.hostname && (e.port === '' || e.port === h.port)) return true;
  }
  return false;
}

/** A request without Origin (curl, server-to-server, native clients) passes; a present one must match exactly. */
export function isOriginAllowed(origin: string | null, policy: OriginPolicy): boolean {
  if (origin === null) return true;
  const o = origin.trim().toLowerCase();
  // `Origin: null` comes from sandboxed frames and file:// pages: never trusted.
  if (o === 'null') return false;
  return policy.allowedOrigins.includes(o);
}

/** Allow-lists derived from where we listen and the public base URL. */
export function defaultOriginPolicy(bindHost: string, port: number, baseUrl?: URL): OriginPolicy {
  const hosts = new Set<string>();
  const origins = new Set<string>();
  const add = (hostname: string, p: string, scheme = 'http') => {
    hosts.add(p ? `${hostname}:${p}` : hostname);
    const defaultPort = scheme === 'https' ? '443' : '80';
    origins.add(p && p !== defaultPort ? `${scheme}://${hostname}:${p}` : `${scheme}://${hostname}`);
  };
  if (isLoopbackAddress(bindHost) || bindHost === '0.0.0.0' || bindHost === '::') {
    for (const name of ['127.0.0.1', 'localhost', '[::1]']) add(name, String(port));
  } else {
    add(bindHost.includes(':') ? `[${bindHost}]` : bindHost, String(port));
  }
  if (baseUrl) {
    const scheme = baseUrl.protocol.replace(':', '');
    add(baseUrl.hostname.toLowerCase(), baseUrl.port, scheme);
    // A proxy in front may forward the public Host without a port.
    hosts.add(baseUrl.hostname.toLowerCase());
  }
  return { allowedHosts: [...hosts], allowedOrigins: [...origins] };
}

/** Headers on every response. `no-store` because responses may carry per-user data or credentials. */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'x-content-type-options': 'nosniff',
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
  'cross-origin-resource-policy': 'same-origin',
});

export class BodyTooLargeError extends Error {
  override readonly name = 'BodyTooLargeError';
}

/** Reads a request body as text, refusing more than `limit` bytes whether or not Content-Length is honest. */
export async function readBodyLimited(request: Request, limit: number): Promise<string> {
  const declared = request.headers.get('content-length');
  if (declared !== null && Number(declared) > limit) throw new BodyTooLargeError(`body exceeds ${limit} bytes`);
  if (!request.body) return '';
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => undefined);
      throw new BodyTooLargeError(`body exceeds ${limit} bytes`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}
