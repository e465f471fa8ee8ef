/**
 * Who is calling. Every verifier produces one; the HTTP layer puts it on the
 * tRPC context as `ctx.auth` and hands it to the MCP handlers.
 */
export interface Principal {
  /** 'anonymous' when no auth is configured, 'local' on stdio, 'token' when a bearer token was verified. */
  readonly kind: 'anonymous' | 'local' | 'token';
  /** Subject (`sub`), or a stable identifier the verifier chose. */
  readonly subject: string;
  readonly clientId?: string | undefined;
  readonly scopes: readonly string[];
  readonly roles?: readonly string[] | undefined;
  /** Verified claims (JWT payload or introspection response). Never the raw token. */
  readonly claims: Readonly<Record<string, unknown>>;
  /** Expiry in seconds since the epoch. */
  readonly expiresAt?: number | undefined;
  readonly audience?: readonly string[] | undefined;
  /** RFC 8707 resource the token was issued for, when known. */
  readonly resource?: string | undefined;
  /** Extra data a verifier or provider attaches (for example upstream tokens of an OAuth proxy). */
  readonly extra?: Readonly<Record<string, unknown>> | undefined;
}

export const ANONYMOUS: Principal = Object.freeze({
  kind: 'anonymous',
  subject: 'anonymous',
  scopes: Object.freeze([]) as readonly string[],
  claims: Object.freeze({}),
});

export function localPrincipal(subject = process.env.USER ?? 'local'): Principal {
  return Object.freeze({
    kind: 'local',
    subject,
    clientId: 'stdio',
    scopes: Object.freeze([]) as readonly string[],
    claims: Object.freeze({}),
  });
}

/** Why a token was refused. The class is logged; it never carries the token. */
export type AuthFailureReason =
  | 'missing'
  | 'malformed'
  | 'bad_signature'
  | 'algorithm_not_allowed'
  | 'expired'
  | 'not_yet_valid'
  | 'wrong_issuer'
  | 'wrong_audience'
  | 'unknown_key'
  | 'inactive'
  | 'insufficient_scope'
  | 'token_in_query'
  | 'verifier_unavailable'
  | 'invalid_claims';

/** A refused credential. `status` is what the HTTP layer answers: 401, or 403 for missing scopes. */
export class AuthError extends Error {
  override readonly name = 'AuthError';
  readonly reason: AuthFailureReason;
  readonly status: 401 | 403 | 503;
  /** Scopes needed, for `insufficient_scope` challenges. */
  readonly requiredScopes: readonly string[];
  constructor(
    reason: AuthFailureReason,
    message: string,
    opts: { status?: 401 | 403 | 503; requiredScopes?: readonly string[]; cause?: unknown } = {},
  ) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.reason = reason;
    this.status = opts.status ?? (reason === 'insufficient_scope' ? 403 : reason === 'verifier_unavailable' ? 503 : 401);
    this.requiredScopes = opts.requiredScopes ?? [];
  }
}

/** Anything that turns a bearer token into a Principal, or throws AuthError. */
export interface TokenVerifier {
  verify(token: string): Promise<Principal>;
  /** True when the verifier rejects tokens whose audience is not the configured one. */
  readonly checksAudience: boolean;
  /** Scopes every token must carry (server-wide). */
  readonly requiredScopes: readonly string[];
}
