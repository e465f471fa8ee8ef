import { SignJWT } from 'jose';
import type { ProxyContext } from './context.js';
import { now } from './context.js';
import type { Grant } from './grants.js';
import { randomToken } from './secrets.js';
import { C } from './store.js';

export interface TokenResponse {
  readonly access_token: string;
  readonly token_type: 'Bearer';
  readonly expires_in: number;
  readonly refresh_token: string;
  readonly scope: string;
}

/** One of our refresh tokens, stored under its SHA-256 (secret-keyed collection). */
export interface RefreshRecord {
  readonly grantId: string;
  readonly clientId: string;
  /** active → rotating (claimed by one refresher) → rotated (a successor exists). */
  readonly state: 'active' | 'rotating' | 'rotated';
  readonly at?: number | undefined;
}

/**
 * Our access token: ES256 JWT for this MCP resource only (`aud`), naming the grant (`gid`) so
 * the resource side can find the upstream tokens. It never contains an upstream token.
 */
export async function issueAccessToken(ctx: ProxyContext, grant: Grant, scopes: readonly string[]): Promise<string> {
  const iat = now();
  return new SignJWT({ client_id: grant.clientId, scope: scopes.join(' '), gid: grant.id })
    .setProtectedHeader({ alg: 'ES256', kid: ctx.keys.kid, typ: 'at+jwt' })
    .setIssuer(ctx.opts.issuer)
    .setAudience(ctx.resourceUrl.href)
    .setSubject(grant.subject)
    .setJti(randomToken(16))
    .setIssuedAt(iat)
    .setExpirationTime(iat + ctx.opts.accessTtl)
    .sign(ctx.keys.privateKey);
}

/** Access token plus a fresh opaque refresh token (stored by hash, pointing at the grant). */
export async function issueTokenPair(ctx: ProxyContext, grant: Grant, scopes: readonly string[] = grant.scopes): Promise<TokenResponse> {
  const refresh = randomToken();
  const record: RefreshRecord = { grantId: grant.id, clientId: grant.clientId, state: 'active' };
  await ctx.store.set(C.refresh, refresh, record, { ttlSeconds: ctx.opts.refreshTtl });
  return {
    access_token: await issueAccessToken(ctx, grant, scopes),
    token_type: 'Bearer',
    expires_in: ctx.opts.accessTtl,
    refresh_token: refresh,
    scope: scopes.join(' '),
  };
}
