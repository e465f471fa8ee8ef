import { isLoopbackHost } from '../../net/url-policy.js';
import { OAuthError } from './errors.js';

/**
 * Redirect URI rules. A redirect URI is where authorization codes are delivered, so every
 * check here stops a code from reaching an attacker. URLs are always parsed and compared by
 * component: string globs over raw URLs are how `http://localhost:*` came to accept
 * `http://localhost:x@evil.example/cb` elsewhere.
 */

/** Schemes that execute or read local content instead of delivering an HTTP request. */
const FORBIDDEN_SCHEMES = new Set(['javascript:', 'data:', 'file:', 'vbscript:', 'blob:', 'about:', 'filesystem:']);

/** A `.` or `..` path segment, raw or percent-encoded (`%2e`, `.%2E`, ...). */
const DOT_SEGMENT = /(?:^|\/)(?:\.|%2e){1,2}(?:\/|$)/i;

/**
 * Parses a redirect URI and refuses the forms that can move a code elsewhere: dangerous
 * schemes, userinfo (`user@host` makes the host something else than it looks), fragments
 * (RFC 6749 §3.1.2 forbids them), dot segments (normalisation would turn an allowed path
 * into another one), backslashes and control characters (parsers disagree on them).
 */
export function parseSafeRedirectUri(raw: unknown): URL {
  if (typeof raw !== 'string' || raw.length === 0 || raw.length > 2000)
    throw bad('redirect_uri must be a non-empty URL of at most 2000 characters');
  // Whitespace, control characters and backslashes: WHATWG parsers strip or rewrite them, other parsers do not.
  if (/[\u0000-\u0020\u007f\\]/.test(raw)) throw bad('redirect_uri contains whitespace, control characters or backslashes');
  if (raw.includes('#')) throw bad('redirect_uri must not contain a fragment');
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw bad('redirect_uri is not an absolute URL');
  }
  if (FORBIDDEN_SCHEMES.has(url.protocol)) throw bad(`redirect_uri scheme ${url.protocol} is not allowed`);
  if (url.username !== '' || url.password !== '' || authorityOf(raw).includes('@'))
    throw bad('redirect_uri must not contain userinfo (user@host)');
  if (DOT_SEGMENT.test(rawPath(raw))) throw bad('redirect_uri must not contain dot segments');
  if ((url.protocol === 'http:' || url.protocol === 'https:') && url.hostname === '') throw bad('redirect_uri has no host');
  return url;
}

/** The authority part of the raw string (between `//` and the next `/`, `?` or end). */
function authorityOf(raw: string): string {
  const m = /^[a-z][a-z0-9+.-]*:\/\/([^/?]*)/i.exec(raw);
  return m ? (m[1] as string) : '';
}

/** The raw path, before any query: the URL parser would already have resolved dot segments. */
function rawPath(raw: string): string {
  const noQuery = raw.split('?')[0] as string;
  const m = /^[a-z][a-z0-9+.-]*:(?:\/\/[^/]*)?(.*)$/i.exec(noQuery);
  return m ? (m[1] as string) : noQuery;
}

function bad(message: string): OAuthError {
  return new OAuthError('invalid_redirect_uri', message);
}

/** 127.0.0.0/8, [::1] and `localhost`: only this machine can receive a redirect there (RFC 8252 §7.3, §8.3). */
export function isLoopbackRedirect(url: URL): boolean {
  return (url.protocol === 'http:' || url.protocol === 'https:') && isLoopbackHost(url.hostname);
}

/**
 * Is `requested` one of the registered redirect URIs? Exact string match, except that a
 * loopback URI may use any port (native apps get an ephemeral port, RFC 8252 §7.3); scheme,
 * host, path and query must still be identical.
 */
export function redirectUriMatches(requested: string, registered: readonly string[]): boolean {
  let req: URL;
  try {
    req = parseSafeRedirectUri(requested);
  } catch {
    return false;
  }
  for (const candidate of registered) {
    if (candidate === requested) return true;
    let reg: URL;
    try {
      reg = new URL(candidate);
    } catch {
      continue;
    }
    if (isLoopbackRedirect(req) && isLoopbackRedirect(reg) && sameExceptPort(req, reg)) return true;
  }
  return false;
}

function sameExceptPort(a: URL, b: URL): boolean {
  return (
    a.protocol === b.protocol && a.hostname.toLowerCase() === b.hostname.toLowerCase() && a.pathname === b.pathname && a.search === b.search
  );
}

/**
 * An allow-list entry for client redirect URIs, matched on parsed URL components.
 * - `scheme`: exact (`https`, `http`, or a private-use scheme such as `com.example.app`).
 * - `host`: exact, or `*.example.com` (any subdomain, not the apex).
 * - `port`: exact, or `*` for any; omitted means the scheme's default port only.
 * - `path`: glob; `*` matches within one segment, `**` across segments; omitted means any path.
 */
export interface RedirectPattern {
  readonly scheme: string;
  readonly host: string;
  readonly port?: string | undefined;
  readonly path?: string | undefined;
}

/**
 * Parses `scheme://host[:port][/path-glob]` into a RedirectPattern. The pattern is split into
 * parts here, once; matching never treats the URL as a string.
 */
export function parseRedirectPattern(pattern: string): RedirectPattern {
  const m = /^([a-z][a-z0-9+.-]*):\/\/(\*\.[a-z0-9.-]+|\[[0-9a-f:]+\]|[a-z0-9.-]+)(?::(\d{1,5}|\*))?(\/[^?#]*)?$/i.exec(pattern.trim());
  if (!m) throw new Error(`"${pattern}" is not a redirect pattern of the form scheme://host[:port][/path]`);
  return { scheme: (m[1] as string).toLowerCase(), host: (m[2] as string).toLowerCase(), port: m[3], path: m[4] };
}

const DEFAULT_PORTS: Record<string, string> = { 'http:': '80', 'https:': '443' };

/** Does a parsed redirect URI satisfy one pattern? Compares scheme, host, port and path separately. */
export function matchesRedirectPattern(url: URL, pattern: RedirectPattern): boolean {
  if (url.protocol !== `${pattern.scheme}:`) return false;
  const host = url.hostname.toLowerCase();
  if (pattern.host.startsWith('*.')) {
    const suffix = pattern.host.slice(1); // ".example.com"
    if (!host.endsWith(suffix) || host.length === suffix.length) return false;
  } else if (host !== pattern.host) return false;
  const port = url.port || DEFAULT_PORTS[url.protocol] || '';
  if (pattern.port === undefined) {
    if (url.port !== '') return false;
  } else if (pattern.port !== '*' && pattern.port !== port) return false;
  if (pattern.path !== undefined && !globPath(pattern.path).test(url.pathname)) return false;
  return true;
}

function globPath(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i] as string;
    if (c === '*' && glob[i + 1] === '*') {
      re += '.*';
      i++;
    } else if (c === '*') re += '[^/]*';
    else re += c.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

/**
 * The redirect policy for client registration. `undefined` (the default) allows loopback
 * URIs and https URIs; a list allows only what its patterns match; `[]` allows nothing.
 */
export function isRedirectAllowedByPolicy(url: URL, patterns: readonly RedirectPattern[] | undefined): boolean {
  if (patterns === undefined) return isLoopbackRedirect(url) || url.protocol === 'https:';
  return patterns.some((p) => matchesRedirectPattern(url, p));
}

/** Full check for a URI a client wants to register: safe form, then the operator's policy. */
export function checkRegistrableRedirectUri(raw: unknown, patterns: readonly RedirectPattern[] | undefined): string {
  const url = parseSafeRedirectUri(raw);
  if (!isRedirectAllowedByPolicy(url, patterns))
    throw bad(`redirect_uri ${url.protocol}//${url.host} is not allowed by this server's redirect policy`);
  return raw as string;
}

/** Redirect URIs of well-known MCP clients, for operators who restrict `allowedClientRedirectUris`. */
export const KNOWN_CLIENT_REDIRECTS: readonly { readonly client: string; readonly redirectUri: string }[] = Object.freeze([
  { client: 'Claude', redirectUri: 'https://claude.ai/api/mcp/auth_callback' },
  { client: 'ChatGPT', redirectUri: 'https://chatgpt.com/connector_platform_oauth_redirect' },
  { client: 'VS Code', redirectUri: 'http://127.0.0.1:33418' },
  { client: 'VS Code (web)', redirectUri: 'https://vscode.dev/redirect' },
]);

/**
 * Patterns admitting exactly the known clients' redirect URIs plus loopback URIs (any port),
 * for `allowedClientRedirectUris` when a server should serve only mainstream clients.
 */
export function knownClientRedirectPatterns(): RedirectPattern[] {
  const known = KNOWN_CLIENT_REDIRECTS.filter((k) => !isLoopbackRedirect(new URL(k.redirectUri))).map((k) => {
    const u = new URL(k.redirectUri);
    return { scheme: u.protocol.slice(0, -1), host: u.hostname, port: u.port || undefined, path: u.pathname };
  });
  const loopback: RedirectPattern[] = ['127.0.0.1', 'localhost', '[::1]'].map((host) => ({ scheme: 'http', host, port: '*', path: '**' }));
  return [...known, ...loopback];
}
