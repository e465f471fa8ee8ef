import type { AuthInfo } from '@modelcontextprotocol/server';
import { ANONYMOUS, type Principal } from './principal.js';

/** Carries the principal through the SDK, which passes `authInfo` to every handler untouched. */
export function toAuthInfo(principal: Principal, token: string | undefined): AuthInfo {
  return {
    token: token ?? '',
    clientId: principal.clientId ?? principal.subject,
    scopes: [...principal.scopes],
    ...(principal.expiresAt !== undefined ? { expiresAt: principal.expiresAt } : {}),
    // An audience need not be a URL (OpenSaaS uses "rpc-ai-backend"); only URLs are resource indicators.
    ...(principal.resource && URL.canParse(principal.resource) ? { resource: new URL(principal.resource) } : {}),
    extra: { principal },
  };
}

/**
 * The principal the HTTP layer put on the request, or `fallback` when there is none (stdio: the
 * local user; HTTP without auth: anonymous). The one way back from `authInfo` to a Principal.
 */
export function principalOf(authInfo: AuthInfo | undefined, fallback: Principal = ANONYMOUS): Principal {
  return (authInfo?.extra?.principal as Principal | undefined) ?? fallback;
}
