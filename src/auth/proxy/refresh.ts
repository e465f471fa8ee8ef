import { AuthError } from '../principal.js';
import type { ClientRecord } from './clients.js';
import type { ProxyContext } from './context.js';
import { now } from './context.js';
import { OAuthError } from './errors.js';
import { loadGrant, revokeGrant, saveGrant, type Grant } from './grants.js';
import { C } from './store.js';
import { issueTokenPair, type RefreshRecord, type TokenResponse } from './tokens.js';
import { ensureUpstream } from './upstream-session.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Refresh grant with rotation on every use. Exactly one caller wins the old token
 * (compareAndSet active → rotating, works across instances) and stores the new pair under the
 * old token for the grace window; a concurrent retry within the window gets that same pair.
 * After the window, presenting a rotated token is reuse: the whole grant is revoked.
 */
export async function refreshGrant(
  ctx: ProxyContext,
  client: ClientRecord,
  token: string | null,
  scope: string | null,
  depth = 0,
): Promise<TokenResponse> {
  if (!token) throw new OAuthError('invalid_request', 'refresh_token is required');
  let rec = await ctx.store.get<RefreshRecord>(C.refresh, token);
  if (!rec) throw new OAuthError('invalid_grant', 'refresh token is invalid or expired');
  if (rec.clientId !== client.client_id) {
    // A refresh token in the hands of another client was stolen.
    await revokeGrant(ctx, rec.grantId, 'refresh_wrong_client');
    throw new OAuthError('invalid_grant', 'refresh token is invalid or expired');
  }
  // A grant approved for another MCP server sharing this store is not redeemable here (RFC 8707).
  const grant = await loadGrant(ctx, rec.grantId);
  if (grant && grant.resource !== ctx.resourceUrl.href)
    throw new OAuthError('invalid_grant', 'refresh token was issued for another resource');
  // Before claiming an active token: a refused request must leave it usable (a rotated one still goes to reuse detection).
  if (grant && rec.state === 'active') requestedScopes(grant, scope);
  if (rec.state === 'active') {
    const claimed: RefreshRecord = { ...rec, state: 'rotating', at: now() };
    if (await ctx.store.compareAndSet(C.refresh, token, rec, claimed, { ttlSeconds: ctx.opts.refreshTtl })) {
      try {
        return await rotate(ctx, token, claimed, scope);
      } catch (err) {
        // Transient failure, or a request refused before any pair was issued: give the token back so the client can retry.
        if (err instanceof OAuthError && (err.code === 'temporarily_unavailable' || err.code === 'invalid_scope'))
          await ctx.store.compareAndSet(C.refresh, token, claimed, rec, { ttlSeconds: ctx.opts.refreshTtl });
        throw err;
      }
    }
    rec = (await ctx.store.get<RefreshRecord>(C.refresh, token)) ?? rec;
  }
  return graceOrReuse(ctx, token, rec, client, scope, depth);
}

async function rotate(ctx: ProxyContext, token: string, claimed: RefreshRecord, scope: string | null): Promise<TokenResponse> {
  const stored = await loadGrant(ctx, claimed.grantId);
  if (!stored) throw new OAuthError('invalid_grant', 'the grant was revoked');
  let grant = stored;
  try {
    grant = (await ensureUpstream(ctx, stored)).grant;
  } catch (err) {
    if (err instanceof AuthError && err.status === 503)
      throw new OAuthError('temporarily_unavailable', 'the identity provider is unavailable; try again');
    if (err instanceof AuthError) {
      await revokeGrant(ctx, stored.id, 'upstream_session_ended');
      throw new OAuthError('invalid_grant', 'the sign-in at the identity provider has ended');
    }
    throw err;
  }
  const scopes = requestedScopes(grant, scope);
  const pair = await issueTokenPair(ctx, grant, scopes);
  await ctx.store.set(C.rotations, token, pair, { ttlSeconds: ctx.opts.graceSeconds + 5 });
  await ctx.store.set(C.refresh, token, { ...claimed, state: 'rotated' } satisfies RefreshRecord, { ttlSeconds: ctx.opts.refreshTtl });
  // Sliding lifetime: an active grant stays as long as it is refreshed.
  await saveGrant(ctx, grant);
  return pair;
}

/** The scopes of the refreshed pair: the grant's, or a subset the client asked for (RFC 6749 §6: never wider). */
function requestedScopes(grant: Grant, scope: string | null): readonly string[] {
  if (!scope) return grant.scopes;
  const asked = scope.split(' ').filter(Boolean);
  if (asked.some((s) => !grant.scopes.includes(s))) throw new OAuthError('invalid_scope', 'scope exceeds the original grant');
  return asked;
}

/** A claim older than this whose holder never finished (crashed instance) is released. */
const STUCK_CLAIM_SECONDS = 30;

async function graceOrReuse(
  ctx: ProxyContext,
  token: string,
  rec: RefreshRecord,
  client: ClientRecord,
  scope: string | null,
  depth = 0,
): Promise<TokenResponse> {
  // Lost the claim to a refresher that then gave the token back (transient failure): never reuse.
  if (rec.state === 'active') throw new OAuthError('temporarily_unavailable', 'a concurrent refresh failed; try again');
  const age = now() - (rec.at ?? 0);
  if (rec.state === 'rotating' && age > STUCK_CLAIM_SECONDS && depth === 0) {
    // The winner died between claiming and rotating: give the token back and try once more.
    await ctx.store.compareAndSet(
      C.refresh,
      token,
      rec,
      { grantId: rec.grantId, clientId: rec.clientId, state: 'active' } satisfies RefreshRecord,
      { ttlSeconds: ctx.opts.refreshTtl },
    );
    return refreshGrant(ctx, client, token, scope, depth + 1);
  }
  if (rec.state === 'rotating' || age <= ctx.opts.graceSeconds) {
    // Within the window (or still being rotated): wait briefly for the winner's pair.
    for (let i = 0; i < 100; i++) {
      const pair = await ctx.store.get<TokenResponse>(C.rotations, token);
      if (pair) {
        ctx.logger.info({ event: 'refresh_grace_retry', clientId: rec.clientId }, 'concurrent refresh retry served the same pair');
        return pair;
      }
      const current = await ctx.store.get<RefreshRecord>(C.refresh, token);
      if (!current) break;
      if (current.state === 'active') throw new OAuthError('temporarily_unavailable', 'a concurrent refresh failed; try again');
      if (current.state === 'rotated' && now() - (current.at ?? 0) > ctx.opts.graceSeconds) break;
      await sleep(50);
    }
    const current = await ctx.store.get<RefreshRecord>(C.refresh, token);
    // Still being rotated after waiting: a slow store or upstream, not an attack.
    if (current?.state === 'rotating') throw new OAuthError('temporarily_unavailable', 'refresh in progress; try again');
  }
  await revokeGrant(ctx, rec.grantId, 'refresh_token_reuse');
  await ctx.store.delete(C.refresh, token);
  throw new OAuthError('invalid_grant', 'refresh token was already used; the session has been revoked');
}
