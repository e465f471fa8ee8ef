import { isHttpsOrLoopbackHttp } from '../../net/url-policy.js';
import { SafeFetchError, safeFetch } from '../../net/safe-fetch.js';
import type { ClientRecord } from './clients.js';
import type { ProxyContext } from './context.js';
import { now } from './context.js';
import { OAuthError } from './errors.js';
import { parseSafeRedirectUri } from './redirect-uris.js';
import { sha256Hex } from './secrets.js';
import { C } from './store.js';

/**
 * Client ID Metadata Documents: the client_id is an https URL whose document describes the
 * client. The URL is attacker-chosen, so the fetch goes through safeFetch (https only, no
 * private/loopback/link-local/metadata addresses, pinned IP, no redirects, 5 KB, timeout).
 */
export const CIMD_MAX_BYTES = 5 * 1024;
const CACHE_DEFAULT = 3600;
const CACHE_MIN = 60;
const CACHE_MAX = 86_400;

export function isCimdClientId(clientId: string, allowInsecureLoopback: boolean): boolean {
  return clientId.startsWith('https://') || (allowInsecureLoopback && clientId.startsWith('http://'));
}

/** A CIMD client_id must be an https URL with a path, and nothing that could make two URLs look alike. */
export function validateCimdUrl(raw: string, allowInsecureLoopback: boolean): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new OAuthError('invalid_client', 'client_id is not a valid URL');
  }
  // The test switch admits plain http for loopback hosts only: any other http document could be rewritten in transit.
  if (!isHttpsOrLoopbackHttp(url, allowInsecureLoopback)) throw new OAuthError('invalid_client', 'a URL client_id must use https');
  if (url.username || url.password || raw.includes('#'))
    throw new OAuthError('invalid_client', 'a URL client_id must not contain userinfo or a fragment');
  if (url.pathname === '/' || url.pathname === '') throw new OAuthError('invalid_client', 'a URL client_id must have a path');
  if (/(?:^|\/)(?:\.|%2e){1,2}(?:\/|$)/i.test(raw.replace(/^[a-z]+:\/\/[^/]*/i, '').split('?')[0] as string)) {
    throw new OAuthError('invalid_client', 'a URL client_id must not contain dot segments');
  }
  // The document must name exactly this string, so a normalised variant would never validate: refuse early.
  if (url.href !== raw) throw new OAuthError('invalid_client', 'a URL client_id must be in normalised form');
  return url;
}

/** Checks a fetched document: client_id equal to the URL, redirect URIs present and safe, no shared secrets. */
export function validateCimdDocument(doc: unknown, clientId: string): ClientRecord {
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc))
    throw new OAuthError('invalid_client', 'client metadata document is not a JSON object');
  const d = doc as Record<string, unknown>;
  if (d.client_id !== clientId) throw new OAuthError('invalid_client', 'client metadata document names a different client_id than its URL');
  if (!Array.isArray(d.redirect_uris) || d.redirect_uris.length === 0 || d.redirect_uris.length > 20)
    throw new OAuthError('invalid_client', 'client metadata document must list redirect_uris');
  for (const u of d.redirect_uris) {
    try {
      parseSafeRedirectUri(u);
    } catch {
      throw new OAuthError('invalid_client', 'client metadata document lists an unsafe redirect URI');
    }
  }
  const method = d.token_endpoint_auth_method ?? 'none';
  // Anyone can publish a document: a shared secret in it would be no secret at all.
  if (method !== 'none' || d.client_secret !== undefined) {
    throw new OAuthError(
      'invalid_client',
      `client metadata document token_endpoint_auth_method must be none (got ${typeof method === 'string' ? method.slice(0, 40) : 'invalid'})`,
    );
  }
  const name = typeof d.client_name === 'string' ? d.client_name.slice(0, 200) : undefined;
  const clientUri = typeof d.client_uri === 'string' ? d.client_uri.slice(0, 500) : undefined;
  return {
    client_id: clientId,
    kind: 'cimd',
    client_name: name,
    client_uri: clientUri,
    redirect_uris: d.redirect_uris as string[],
    token_endpoint_auth_method: 'none',
    grant_types: ['authorization_code', 'refresh_token'],
    created_at: now(),
  };
}

/** Cache lifetime from Cache-Control, bounded; undefined for no-store. */
export function cimdCacheSeconds(cacheControl: string | string[] | undefined): number | undefined {
  const cc = (Array.isArray(cacheControl) ? cacheControl.join(',') : (cacheControl ?? '')).toLowerCase();
  if (/\bno-store\b/.test(cc)) return undefined;
  const m = /\bmax-age=(\d+)/.exec(cc);
  const age = m ? Number(m[1]) : CACHE_DEFAULT;
  return Math.min(CACHE_MAX, Math.max(CACHE_MIN, age));
}

export async function loadCimdClient(ctx: ProxyContext, clientId: string): Promise<ClientRecord> {
  const url = validateCimdUrl(clientId, ctx.opts.allowInsecureLoopback);
  const cacheKey = sha256Hex(clientId);
  const cached = await ctx.store.get<ClientRecord>(C.cimd, cacheKey);
  if (cached && cached.client_id === clientId) return cached;
  // A failing URL is not fetched again for a minute: /authorize must not become a request amplifier.
  const failed = await ctx.store.get<{ message: string }>(C.cimd, `failed-${cacheKey}`);
  if (failed) throw new OAuthError('invalid_client', failed.message);
  try {
    return await fetchAndValidate(ctx, url, clientId, cacheKey);
  } catch (err) {
    if (err instanceof OAuthError)
      await ctx.store.set(C.cimd, `failed-${cacheKey}`, { message: err.message }, { ttlSeconds: NEGATIVE_TTL });
    throw err;
  }
}

const NEGATIVE_TTL = 60;

async function fetchAndValidate(ctx: ProxyContext, url: URL, clientId: string, cacheKey: string): Promise<ClientRecord> {
  let res;
  try {
    res = await safeFetch(url, { allowLoopback: ctx.opts.allowInsecureLoopback, maxBytes: CIMD_MAX_BYTES, timeoutMs: 5_000 });
  } catch (err) {
    const code = err instanceof SafeFetchError ? err.code : 'NETWORK';
    ctx.logger.warn({ event: 'cimd_fetch_refused', code }, 'client metadata document not fetched');
    throw new OAuthError(
      'invalid_client',
      code === 'ADDRESS_BLOCKED' || code === 'URL_NOT_ALLOWED'
        ? 'client metadata document URL points to a forbidden address'
        : 'client metadata document could not be retrieved',
    );
  }
  if (res.status !== 200) throw new OAuthError('invalid_client', 'client metadata document could not be retrieved');
  let doc: unknown;
  try {
    doc = JSON.parse(res.body);
  } catch {
    throw new OAuthError('invalid_client', 'client metadata document is not JSON');
  }
  const record = validateCimdDocument(doc, clientId);
  const ttl = cimdCacheSeconds(res.headers['cache-control']);
  if (ttl !== undefined) await ctx.store.set(C.cimd, cacheKey, record, { ttlSeconds: ttl });
  return record;
}
