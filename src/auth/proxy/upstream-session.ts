import { AuthError } from '../principal.js';
import type { ProxyContext } from './context.js';
import { now } from './context.js';
import { loadGrant, revokeGrant, type Grant } from './grants.js';
import { randomToken } from './secrets.js';
import { C } from './store.js';
import { UpstreamError } from './upstream.js';

/** Refresh upstream this many seconds before it says the token expires. */
const EARLY_SECONDS = 30;
const LOCK_TTL = 20;
const WAIT_MS = 10_000;

function isFresh(grant: Grant): boolean {
  return grant.upstream.expiresAt === undefined || grant.upstream.expiresAt - EARLY_SECONDS > now();
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Refreshes a grant's upstream tokens once, however many requests and instances notice the
 * expiry at the same time: a lock in the store (compareAndSet on absent, with a TTL in case
 * its holder dies) elects one refresher; the others wait for the grant record to change.
 */
export async function refreshUpstream(ctx: ProxyContext, stale: Grant): Promise<Grant> {
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    const owner = randomToken(8);
    if (await ctx.store.compareAndSet(C.locks, stale.id, undefined, { owner }, { ttlSeconds: LOCK_TTL })) {
      try {
        const latest = await loadGrant(ctx, stale.id);
        if (!latest) throw new AuthError('inactive', 'the grant was revoked');
        // Another instance refreshed between our read and our lock.
        if (latest.upstream.accessToken !== stale.upstream.accessToken) return latest;
        if (!latest.upstream.refreshToken) throw new AuthError('expired', 'the upstream token expired and cannot be refreshed');
        let fresh;
        try {
          fresh = await ctx.upstream.refresh(latest.upstream.refreshToken);
        } catch (err) {
          if (err instanceof UpstreamError && err.kind === 'rejected') {
            // The upstream ended the session: so do we.
            await revokeGrant(ctx, latest.id, 'upstream_refresh_rejected');
            throw new AuthError('inactive', 'the identity provider ended the session');
          }
          throw new AuthError('verifier_unavailable', 'the identity provider is unavailable', { cause: err });
        }
        const next: Grant = { ...latest, upstream: { ...fresh, scope: fresh.scope ?? latest.upstream.scope } };
        // compareAndSet: a revocation that happened meanwhile must not be undone by our write.
        if (!(await ctx.store.compareAndSet(C.grants, latest.id, latest, next, { ttlSeconds: ctx.opts.refreshTtl }))) {
          const now2 = await loadGrant(ctx, latest.id);
          if (!now2) throw new AuthError('inactive', 'the grant was revoked');
          return now2;
        }
        ctx.logger.info({ event: 'upstream_refreshed', clientId: latest.clientId }, 'upstream token refreshed');
        return next;
      } finally {
        await ctx.store.delete(C.locks, stale.id);
      }
    }
    await sleep(50);
    const current = await loadGrant(ctx, stale.id);
    if (!current) throw new AuthError('inactive', 'the grant was revoked');
    if (current.upstream.accessToken !== stale.upstream.accessToken) return current;
    if (Date.now() > deadline) throw new AuthError('verifier_unavailable', 'upstream refresh is taking too long');
  }
}

/**
 * Asks the upstream verifier whether the token is alive, or (when validationCache is set)
 * trusts a recent positive answer from the store, so a busy session does not call the
 * provider's API on every request. Only positive answers are cached, keyed by the token's hash.
 */
async function validateUpstream(ctx: ProxyContext, grant: Grant): Promise<string> {
  const ttl = ctx.opts.validationCache;
  const token = grant.upstream.accessToken;
  if (ttl > 0) {
    const hit = await ctx.store.get<{ subject: string }>(C.validated, token);
    if (hit) return hit.subject;
  }
  const { subject } = await ctx.upstreamVerifier.verify(token);
  const left = grant.upstream.expiresAt === undefined ? ttl : Math.min(ttl, grant.upstream.expiresAt - now());
  if (left > 0) await ctx.store.set(C.validated, token, { subject }, { ttlSeconds: left });
  return subject;
}

/**
 * A grant whose upstream token is current and accepted by the upstream verifier, refreshing
 * it transparently when it expired (by its `expires_in`, or because the verifier says so).
 * Returns the upstream subject too.
 */
export async function ensureUpstream(ctx: ProxyContext, grant: Grant): Promise<{ grant: Grant; subject: string }> {
  let g = isFresh(grant) ? grant : await refreshUpstream(ctx, grant);
  try {
    return { grant: g, subject: await validateUpstream(ctx, g) };
  } catch (err) {
    if (!(err instanceof AuthError) || err.status === 503 || !g.upstream.refreshToken) throw err;
    g = await refreshUpstream(ctx, g);
    return { grant: g, subject: await validateUpstream(ctx, g) };
  }
}
