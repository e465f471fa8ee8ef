import * as client from 'openid-client';
import type { ProxyContext } from './context.js';
import { now } from './context.js';
import { parseCookies, signCookieValue, verifyCookieValue } from './cookies.js';
import { randomToken, safeEqual, sha256Hex } from './secrets.js';
import { C } from './store.js';

/** One authorization in progress, from /authorize to the upstream callback. */
export interface Transaction {
  readonly id: string;
  readonly clientId: string;
  readonly clientKind: 'dcr' | 'cimd';
  readonly clientName?: string | undefined;
  readonly redirectUri: string;
  /** The client's `state`, returned untouched. */
  readonly state?: string | undefined;
  /** The client's S256 challenge, checked at our /token. */
  readonly codeChallenge: string;
  readonly resource: string;
  readonly scopes: readonly string[];
  readonly createdAt: number;
  /** Set when the flow goes upstream (after consent): our own PKCE verifier toward the upstream. */
  readonly upstreamVerifier?: string | undefined;
  /** SHA-256 of the binding cookie's secret: the browser that approved must be the one that returns. */
  readonly bindingHash?: string | undefined;
}

export const TX_TTL = 15 * 60;

export function txTtlLeft(tx: Transaction): number {
  return Math.max(1, tx.createdAt + TX_TTL - now());
}

export async function saveTransaction(ctx: ProxyContext, tx: Transaction): Promise<void> {
  await ctx.store.set(C.tx, tx.id, tx, { ttlSeconds: txTtlLeft(tx) });
}

export function bindingCookieName(ctx: ProxyContext, txId: string): string {
  return `${ctx.opts.cookies.prefix}bind-${sha256Hex(txId).slice(0, 16)}`;
}

/**
 * Leaves for the upstream: fresh upstream `state` (stored only now, after consent, single-use),
 * our own PKCE pair, and the binding cookie that ties the callback to this browser.
 */
export async function redirectUpstream(ctx: ProxyContext, tx: Transaction, extraCookies: string[] = []): Promise<Response> {
  const binding = randomToken();
  const upstreamState = randomToken();
  const verifier = ctx.opts.forwardPkce ? client.randomPKCECodeVerifier() : undefined;
  const challenge = verifier ? await client.calculatePKCECodeChallenge(verifier) : undefined;
  const next: Transaction = { ...tx, upstreamVerifier: verifier, bindingHash: sha256Hex(binding) };
  await saveTransaction(ctx, next);
  await ctx.store.set(C.pending, upstreamState, { txId: tx.id }, { ttlSeconds: txTtlLeft(tx) });
  const translate = ctx.opts.raw.translateScopes ?? ((s: readonly string[]) => [...s]);
  const scope = [...new Set([...translate(tx.scopes), ...(ctx.opts.raw.upstreamScopes ?? [])])].join(' ');
  const location = ctx.upstream.authorizationUrl({ state: upstreamState, scope, codeChallenge: challenge });
  const name = bindingCookieName(ctx, tx.id);
  const headers = new Headers({ location: location.href, 'cache-control': 'no-store', 'referrer-policy': 'no-referrer' });
  headers.append('set-cookie', ctx.opts.cookies.set(name, signCookieValue(ctx.keys.cookieKey, name, binding), txTtlLeft(tx)));
  for (const c of extraCookies) headers.append('set-cookie', c);
  return new Response(null, { status: 302, headers });
}

/** Does the browser carry the binding cookie of this transaction? Constant-time on the secret. */
export function hasBindingCookie(ctx: ProxyContext, request: Request, tx: Transaction): boolean {
  if (!tx.bindingHash) return false;
  const name = bindingCookieName(ctx, tx.id);
  const value = verifyCookieValue(ctx.keys.cookieKey, name, parseCookies(request.headers.get('cookie')).get(name));
  return value !== undefined && safeEqual(sha256Hex(value), tx.bindingHash);
}
