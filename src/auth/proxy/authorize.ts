import type { ClientRecord } from './clients.js';
import { findClient } from './clients.js';
import type { ProxyContext } from './context.js';
import { now } from './context.js';
import { OAuthError } from './errors.js';
import { assertNoRepeats, errorPage, redirectTo } from './http-util.js';
import { isRedirectAllowedByPolicy, parseSafeRedirectUri, redirectUriMatches } from './redirect-uris.js';
import { randomToken } from './secrets.js';
import { redirectUpstream, saveTransaction, type Transaction } from './transactions.js';
import { rememberedApproval } from './consent.js';

const CHALLENGE = /^[A-Za-z0-9_-]{43}$/;

/**
 * The client's redirect URI for this request: one of its registered URIs (loopback ports may
 * vary) that the operator's policy still allows. Failures here are shown, never redirected:
 * redirecting to an unverified URI is the open redirect this check exists to stop.
 */
export function resolveRedirectUri(ctx: Pick<ProxyContext, 'opts'>, client: ClientRecord, requested: string | null): string {
  if (requested === null) {
    if (client.redirect_uris.length !== 1) throw new OAuthError('invalid_request', 'redirect_uri is required');
    // The sole registered URI gets the same checks as a requested one: a CIMD document's URIs
    // were never checked against the policy, and the policy may have narrowed since a DCR registration.
    requested = client.redirect_uris[0] as string;
  }
  const url = parseSafeRedirectUri(requested);
  if (!redirectUriMatches(requested, client.redirect_uris))
    throw new OAuthError('invalid_request', 'redirect_uri is not registered for this client');
  if (!isRedirectAllowedByPolicy(url, ctx.opts.patterns))
    throw new OAuthError('invalid_request', "redirect_uri is not allowed by this server's redirect policy");
  return requested;
}

/**
 * RFC 8707: the token will be for this MCP server only, so a request for another resource is
 * `invalid_target`. Extra query parameters some clients append (ChatGPT's `?kb_name=`) are
 * ignored when our resource URL has no query of its own.
 */
export function checkResource(requested: string | null, resourceUrl: URL): string {
  if (requested === null || requested === '') return resourceUrl.href;
  let url: URL;
  try {
    url = new URL(requested);
  } catch {
    throw new OAuthError('invalid_target', 'resource is not a URL');
  }
  if (url.hash) throw new OAuthError('invalid_target', 'resource must not contain a fragment');
  if (resourceUrl.search === '') url.search = '';
  if (url.href !== resourceUrl.href) throw new OAuthError('invalid_target', 'resource is not this server');
  return resourceUrl.href;
}

/** PKCE is mandatory and S256 only: `plain` would hand the verifier to whoever sees the request. */
export function checkPkce(challenge: string | null, method: string | null): string {
  if (!challenge) throw new OAuthError('invalid_request', 'code_challenge is required (PKCE S256)');
  if (method !== 'S256') throw new OAuthError('invalid_request', 'code_challenge_method must be S256');
  if (!CHALLENGE.test(challenge)) throw new OAuthError('invalid_request', 'code_challenge must be 43 base64url characters');
  return challenge;
}

/** Requested scopes we know; unknown ones are dropped (RFC 6749 §3.3). None requested: all valid scopes. */
export function resolveScopes(scope: string | null, valid: readonly string[]): string[] {
  const requested = (scope ?? '').split(' ').filter(Boolean);
  if (requested.length === 0) return [...valid];
  return [...new Set(requested.filter((s) => valid.includes(s)))];
}

export async function handleAuthorize(ctx: ProxyContext, request: Request, url: URL): Promise<Response> {
  const q = url.searchParams;
  let client: ClientRecord;
  let redirectUri: string;
  try {
    assertNoRepeats(q);
    client = await findClient(ctx, q.get('client_id'));
    redirectUri = resolveRedirectUri(ctx, client, q.get('redirect_uri'));
  } catch (err) {
    if (!(err instanceof OAuthError)) throw err;
    ctx.logger.warn({ event: 'authorize_refused', error: err.code, reason: err.message }, 'authorization request refused');
    return errorPage(400, 'Authorization request refused', err.message);
  }
  const state = q.get('state') ?? undefined;
  const fail = (err: OAuthError) =>
    redirectTo(redirectUri, { error: err.code, error_description: err.message, state, iss: ctx.opts.issuer });
  try {
    if (q.get('response_type') !== 'code') throw new OAuthError('unsupported_response_type', 'response_type must be code');
    if (state !== undefined && state.length > 1024) throw new OAuthError('invalid_request', 'state is too long');
    const codeChallenge = checkPkce(q.get('code_challenge'), q.get('code_challenge_method'));
    const resource = checkResource(q.get('resource'), ctx.resourceUrl);
    const scopes = resolveScopes(q.get('scope'), ctx.validScopes);
    const tx: Transaction = {
      id: randomToken(),
      clientId: client.client_id,
      clientKind: client.kind,
      clientName: client.client_name,
      redirectUri,
      state,
      codeChallenge,
      resource,
      scopes,
      createdAt: now(),
    };
    if (ctx.opts.consent === false || (ctx.opts.consent === 'remember' && (await rememberedApproval(ctx, request, tx)))) {
      return await redirectUpstream(ctx, tx);
    }
    await saveTransaction(ctx, tx);
    const consent = new URL(`${ctx.opts.issuer}${ctx.paths.consent.slice(ctx.opts.basePath.length)}`);
    consent.searchParams.set('txn', tx.id);
    return new Response(null, { status: 302, headers: { location: consent.href, 'cache-control': 'no-store' } });
  } catch (err) {
    if (!(err instanceof OAuthError)) throw err;
    return fail(err);
  }
}
