import type { ProxyContext } from './context.js';
import { consentHeaders, cspSourceFor, renderConsentPage } from './consent-page.js';
import { parseCookies, signCookieValue, verifyCookieValue } from './cookies.js';
import { OAuthError } from './errors.js';
import { errorPage, readForm, redirectTo } from './http-util.js';
import { isLoopbackRedirect } from './redirect-uris.js';
import { randomToken, safeEqual } from './secrets.js';
import { C } from './store.js';
import { redirectUpstream, txTtlLeft, type Transaction } from './transactions.js';

const csrfPrefix = (ctx: ProxyContext): string => `${ctx.opts.cookies.prefix}csrf-`;
const browserCookie = (ctx: ProxyContext): string => `${ctx.opts.cookies.prefix}browser`;
const MAX_CSRF_COOKIES = 8;
const REMEMBER_TTL = 180 * 86_400;
const RENDER_ID = /^[A-Za-z0-9_-]{8}$/;

interface CsrfRecord {
  txId: string;
  render: string;
}

/** A request the browser itself says did not come from another site (missing header: not trusted). */
export function isSameSiteNavigation(request: Request): boolean {
  const site = request.headers.get('sec-fetch-site');
  return site === 'none' || site === 'same-origin' || site === 'same-site';
}

/**
 * GET /consent: one CSRF token per render, kept (hashed) in the store and in its own signed
 * cookie, so a reload or a prefetch does not invalidate the page the user is looking at.
 */
export async function handleConsentGet(ctx: ProxyContext, request: Request, url: URL): Promise<Response> {
  const txn = url.searchParams.get('txn');
  const tx = txn ? await ctx.store.get<Transaction>(C.tx, txn) : undefined;
  if (!tx || tx.bindingHash) return errorPage(400, 'This sign-in link has expired', 'Start the sign-in again from your application.');
  const csrf = randomToken();
  const render = randomToken(6);
  await ctx.store.set(C.csrf, csrf, { txId: tx.id, render } satisfies CsrfRecord, { ttlSeconds: txTtlLeft(tx) });
  const headers = new Headers(consentHeaders([ctx.upstream.authorizationOrigin, cspSourceFor(tx.redirectUri)]));
  const name = `${csrfPrefix(ctx)}${render}`;
  headers.append('set-cookie', ctx.opts.cookies.set(name, signCookieValue(ctx.keys.cookieKey, name, csrf), txTtlLeft(tx)));
  // Bound the number of CSRF cookies a browser accumulates from reloads.
  const old = [...parseCookies(request.headers.get('cookie')).keys()].filter((k) => k.startsWith(csrfPrefix(ctx)));
  for (const k of old.slice(0, Math.max(0, old.length - (MAX_CSRF_COOKIES - 1)))) headers.append('set-cookie', ctx.opts.cookies.clear(k));
  const html = renderConsentPage({
    clientName: tx.clientName,
    clientId: tx.clientId,
    clientKind: tx.clientKind,
    redirectUri: tx.redirectUri,
    scopes: tx.scopes,
    serverName: ctx.opts.raw.resourceName ?? ctx.resourceUrl.host,
    action: ctx.paths.consent,
    txn: tx.id,
    csrf,
    render,
    loopbackWarning: tx.clientKind === 'cimd' && isLoopbackRedirect(new URL(tx.redirectUri)),
  });
  return new Response(html, { status: 200, headers });
}

/**
 * Double-submit check: the form's token must equal the signed cookie of the same render, and
 * must still be in the store for this transaction (taken: single use).
 */
export async function verifyConsentCsrf(ctx: ProxyContext, request: Request, form: URLSearchParams): Promise<boolean> {
  const csrf = form.get('csrf') ?? '';
  const render = form.get('render') ?? '';
  const txn = form.get('txn') ?? '';
  if (!csrf || !RENDER_ID.test(render)) return false;
  const name = `${csrfPrefix(ctx)}${render}`;
  const cookie = verifyCookieValue(ctx.keys.cookieKey, name, parseCookies(request.headers.get('cookie')).get(name));
  if (cookie === undefined || !safeEqual(cookie, csrf)) return false;
  const rec = await ctx.store.take<CsrfRecord>(C.csrf, csrf);
  return rec !== undefined && safeEqual(rec.txId, txn) && rec.render === render;
}

export async function handleConsentPost(ctx: ProxyContext, request: Request): Promise<Response> {
  // A cross-site form post is never a user approving on our page.
  if (request.headers.get('sec-fetch-site') === 'cross-site')
    return errorPage(403, 'Request refused', 'Consent must be given on this site.');
  let form: URLSearchParams;
  try {
    form = await readForm(request);
  } catch (err) {
    if (err instanceof OAuthError) return errorPage(400, 'Bad request', err.message);
    throw err;
  }
  if (!(await verifyConsentCsrf(ctx, request, form))) {
    ctx.logger.warn({ event: 'consent_csrf_failed' }, 'consent form with a missing or forged CSRF token');
    return errorPage(403, 'Request refused', 'This consent form is invalid or has expired. Start the sign-in again.');
  }
  const tx = await ctx.store.get<Transaction>(C.tx, form.get('txn') as string);
  if (!tx || tx.bindingHash) return errorPage(400, 'This sign-in link has expired', 'Start the sign-in again from your application.');
  const cleared = ctx.opts.cookies.clear(`${csrfPrefix(ctx)}${form.get('render') as string}`);
  const action = form.get('action');
  if (action !== 'approve') {
    await ctx.store.delete(C.tx, tx.id);
    const res = redirectTo(
      tx.redirectUri,
      { error: 'access_denied', error_description: 'the user denied the request', state: tx.state, iss: ctx.opts.issuer },
      { 'set-cookie': cleared },
    );
    return see(res);
  }
  const cookies = [cleared];
  if (ctx.opts.consent === 'remember') cookies.push(...(await rememberApproval(ctx, request, tx)));
  ctx.logger.info({ event: 'consent_approved', clientId: tx.clientId }, 'user approved client');
  return see(await redirectUpstream(ctx, tx, cookies));
}

/** 303 after a POST, so the browser follows with GET. */
function see(res: Response): Response {
  return new Response(null, { status: 303, headers: res.headers });
}

function rememberKey(browserId: string, tx: Transaction): string {
  return `${browserId}\u0000${tx.clientId}\u0000${tx.redirectUri}`;
}

function browserId(ctx: ProxyContext, request: Request): string | undefined {
  return verifyCookieValue(ctx.keys.cookieKey, browserCookie(ctx), parseCookies(request.headers.get('cookie')).get(browserCookie(ctx)));
}

/**
 * 'remember' mode: a previous approval in this browser, for this client, redirect URI and at
 * least these scopes, skips the page, but only on a navigation the browser marks as not
 * cross-site (a third-party page cannot silently run the flow).
 */
export async function rememberedApproval(ctx: ProxyContext, request: Request, tx: Transaction): Promise<boolean> {
  if (!isSameSiteNavigation(request)) return false;
  const id = browserId(ctx, request);
  if (!id) return false;
  const rec = await ctx.store.get<{ scopes: string[] }>(C.consents, rememberKey(id, tx));
  return rec !== undefined && tx.scopes.every((s) => rec.scopes.includes(s));
}

async function rememberApproval(ctx: ProxyContext, request: Request, tx: Transaction): Promise<string[]> {
  let id = browserId(ctx, request);
  const cookies: string[] = [];
  if (!id) {
    id = randomToken();
    cookies.push(ctx.opts.cookies.set(browserCookie(ctx), signCookieValue(ctx.keys.cookieKey, browserCookie(ctx), id), REMEMBER_TTL));
  }
  await ctx.store.set(C.consents, rememberKey(id, tx), { scopes: [...tx.scopes] }, { ttlSeconds: REMEMBER_TTL });
  return cookies;
}
