import { AuthError } from '../principal.js';
import type { ProxyContext } from './context.js';
import { now } from './context.js';
import { OAuthError } from './errors.js';
import { saveGrant, type Grant } from './grants.js';
import { errorPage, redirectTo } from './http-util.js';
import { randomToken } from './secrets.js';
import { C } from './store.js';
import { bindingCookieName, hasBindingCookie, type Transaction } from './transactions.js';
import { UpstreamError, sanitiseUpstreamCode, upstreamToOAuth } from './upstream.js';

export interface CodeRecord {
  readonly clientId: string;
  readonly redirectUri: string;
  readonly codeChallenge: string;
  readonly resource: string;
  readonly grantId: string;
}

export const CODE_TTL = 300;

/** Which scopes the user ends up with: requested ones, minus those the upstream declined to grant. */
export async function grantedScopes(
  ctx: ProxyContext,
  requested: readonly string[],
  upstreamScope: string | undefined,
  identity: { readonly subject: string },
): Promise<string[]> {
  if (ctx.opts.raw.grantedScopes) {
    const chosen = await ctx.opts.raw.grantedScopes(requested, upstreamScope, identity);
    // A hook cannot widen the grant beyond what the user was asked to approve.
    return chosen.filter((s) => requested.includes(s));
  }
  if (upstreamScope === undefined) return [...requested];
  const granted = new Set(upstreamScope.split(/[\s,]+/).filter(Boolean));
  const translate = ctx.opts.raw.translateScopes ?? ((s: readonly string[]) => [...s]);
  return requested.filter((s) => translate([s]).every((u) => granted.has(u)));
}

/**
 * The upstream callback. The upstream `state` finds the transaction (single use); the binding
 * cookie proves this is the browser that approved (403 otherwise: someone else's code must not
 * be attached to this flow); the upstream code is redeemed here, server-side; the client gets
 * our own single-use code, its `state`, and our `iss` (RFC 9207).
 */
export async function handleCallback(ctx: ProxyContext, request: Request, url: URL): Promise<Response> {
  const q = url.searchParams;
  const upstreamState = q.get('state');
  const pending = upstreamState ? await ctx.store.take<{ txId: string }>(C.pending, upstreamState) : undefined;
  const tx = pending ? await ctx.store.get<Transaction>(C.tx, pending.txId) : undefined;
  if (!tx || !upstreamState)
    return errorPage(400, 'Sign-in failed', 'This sign-in is unknown or has expired. Start again from your application.');
  if (!hasBindingCookie(ctx, request, tx)) {
    ctx.logger.warn({ event: 'binding_cookie_missing', clientId: tx.clientId }, 'callback from a browser that did not approve this flow');
    return errorPage(403, 'Sign-in refused', 'This sign-in was started in another browser. Start again from your application.');
  }
  await ctx.store.delete(C.tx, tx.id);
  const clear = { 'set-cookie': ctx.opts.cookies.clear(bindingCookieName(ctx, tx.id)) };
  const back = (params: Record<string, string | undefined>) =>
    redirectTo(tx.redirectUri, { ...params, state: tx.state, iss: ctx.opts.issuer }, clear);
  const upstreamError = q.get('error');
  if (upstreamError !== null) {
    const code = sanitiseUpstreamCode(upstreamError);
    ctx.logger.warn({ event: 'upstream_authorization_error', error: code ?? 'unrecognised' }, 'upstream returned an error');
    const mapped = code === 'temporarily_unavailable' || code === 'server_error' ? code : 'access_denied';
    return back({ error: mapped, error_description: 'the identity provider did not authorize the request' });
  }
  try {
    const upstream = await ctx.upstream.exchangeCode(q, upstreamState, tx.upstreamVerifier);
    let subject: string;
    try {
      subject = (await ctx.upstreamVerifier.verify(upstream.accessToken)).subject;
    } catch (err) {
      if (err instanceof AuthError && err.status === 503)
        throw new OAuthError('temporarily_unavailable', 'the identity provider is unavailable; try again');
      if (err instanceof AuthError)
        throw new OAuthError('access_denied', 'the identity provider issued a token that could not be verified');
      throw err;
    }
    const grant: Grant = {
      id: randomToken(),
      clientId: tx.clientId,
      subject,
      scopes: await grantedScopes(ctx, tx.scopes, upstream.scope, { subject }),
      resource: tx.resource,
      upstream,
      createdAt: now(),
    };
    await saveGrant(ctx, grant);
    const code = randomToken();
    const record: CodeRecord = {
      clientId: tx.clientId,
      redirectUri: tx.redirectUri,
      codeChallenge: tx.codeChallenge,
      resource: tx.resource,
      grantId: grant.id,
    };
    await ctx.store.set(C.codes, code, record, { ttlSeconds: CODE_TTL });
    ctx.logger.info({ event: 'authorization_complete', clientId: tx.clientId, sub: subject }, 'authorization code issued');
    return back({ code });
  } catch (err) {
    const e = err instanceof UpstreamError ? upstreamToOAuth(err, 'access_denied') : err instanceof OAuthError ? err : undefined;
    if (!e) throw err;
    ctx.logger.warn({ event: 'upstream_exchange_failed', error: e.code }, 'upstream code exchange failed');
    return back({ error: e.code, error_description: e.message });
  }
}
