import { BodyTooLargeError, readBodyLimited } from '../../http/guard.js';
import { OAuthError } from './errors.js';

const BODY_LIMIT = 16 * 1024;

async function readText(request: Request): Promise<string> {
  try {
    return await readBodyLimited(request, BODY_LIMIT);
  } catch (err) {
    if (err instanceof BodyTooLargeError) throw new OAuthError('invalid_request', 'request body too large', 413);
    throw err;
  }
}

/** application/x-www-form-urlencoded body (token, revoke, consent). Repeated parameters are refused (RFC 6749 §3.1). */
export async function readForm(request: Request): Promise<URLSearchParams> {
  const type = (request.headers.get('content-type') ?? '').split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/x-www-form-urlencoded')
    throw new OAuthError('invalid_request', 'expected an application/x-www-form-urlencoded body');
  const form = new URLSearchParams(await readText(request));
  assertNoRepeats(form);
  return form;
}

export function assertNoRepeats(params: URLSearchParams): void {
  const seen = new Set<string>();
  for (const k of params.keys()) {
    if (seen.has(k)) throw new OAuthError('invalid_request', `parameter ${k.slice(0, 40)} is repeated`);
    seen.add(k);
  }
}

export async function readJson(request: Request): Promise<unknown> {
  const type = (request.headers.get('content-type') ?? '').split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/json') throw new OAuthError('invalid_client_metadata', 'expected an application/json body');
  try {
    return JSON.parse(await readText(request)) as unknown;
  } catch (err) {
    if (err instanceof OAuthError) throw err;
    throw new OAuthError('invalid_client_metadata', 'body is not JSON');
  }
}

/** 302 to a (validated) client redirect URI with parameters added to its query. */
export function redirectTo(
  uri: string,
  params: Record<string, string | undefined>,
  extraHeaders: Record<string, string | string[]> = {},
): Response {
  const url = new URL(uri);
  for (const [k, v] of Object.entries(params)) if (v !== undefined) url.searchParams.set(k, v);
  const headers = new Headers({ location: url.href, 'cache-control': 'no-store', 'referrer-policy': 'no-referrer' });
  for (const [k, v] of Object.entries(extraHeaders)) for (const one of Array.isArray(v) ? v : [v]) headers.append(k, one);
  return new Response(null, { status: 302, headers });
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"'`=/]/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** A plain error page for failures that must not redirect (unknown client, bad redirect URI, bad state). */
export function errorPage(status: number, title: string, detail: string): Response {
  const body = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head><body><h1>${escapeHtml(title)}</h1><p>${escapeHtml(detail)}</p></body></html>`;
  return new Response(body, {
    status,
    headers: {
      'content-type': 'text/html; charset=utf-8',
      'x-frame-options': 'DENY',
      'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
      'cache-control': 'no-store',
    },
  });
}
