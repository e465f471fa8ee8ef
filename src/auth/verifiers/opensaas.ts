import type { JWK } from 'jose';
import { AuthError, type Principal, type TokenVerifier } from '../principal.js';
import {
  readAudience,
  readClientId,
  readScopeClaim,
  readStringArrayClaim,
  readStringClaim,
  requireScopes,
  uniq,
  type VerifierEventSink,
} from './claims.js';
import type { FetchLike } from './http.js';
import { JwtVerifier } from './jwt.js';

export interface OpenSaasJwtVerifierOptions {
  /** Exactly one of `publicKey` / `jwksUri`. OpenSaaS signs with RS256 only; HMAC secrets are not accepted. */
  readonly publicKey?: string | JWK | undefined;
  readonly jwksUri?: string | undefined;
  /** Default 'opensaas' (as the old backend used). */
  readonly issuer?: string | readonly string[] | undefined;
  /** Default 'rpc-ai-backend' (as the old backend used). Override with this server's resource URL when OpenSaaS can mint it. */
  readonly audience?: string | readonly string[] | undefined;
  /** Scopes granted per entry of the `features` claim. */
  readonly featureScopes?: Readonly<Record<string, readonly string[]>> | undefined;
  /** Scopes granted per `subscriptionTier`. */
  readonly tierScopes?: Readonly<Record<string, readonly string[]>> | undefined;
  readonly requiredScopes?: readonly string[] | undefined;
  readonly clockToleranceSeconds?: number | undefined;
  readonly allowInsecureLoopback?: boolean | undefined;
  readonly onEvent?: VerifierEventSink | undefined;
  readonly fetch?: FetchLike | undefined;
  readonly clock?: (() => number) | undefined;
}

/** What `principal.extra.opensaas` holds. */
export interface OpenSaasIdentity {
  readonly userId: string;
  readonly email?: string | undefined;
  readonly subscriptionTier?: string | undefined;
  readonly features: readonly string[];
  readonly organizationId?: string | undefined;
  readonly monthlyTokenQuota?: number | undefined;
  readonly rpmLimit?: number | undefined;
  readonly tpmLimit?: number | undefined;
}

/**
 * OpenSaaS user JWTs (RS256): `userId` becomes the subject; `features` and
 * `subscriptionTier` map to scopes through explicit tables, so a new feature
 * flag in OpenSaaS grants nothing here until it is mapped.
 */
export class OpenSaasJwtVerifier implements TokenVerifier {
  readonly checksAudience: boolean;
  readonly requiredScopes: readonly string[];
  readonly #jwt: JwtVerifier;
  readonly #featureScopes: Readonly<Record<string, readonly string[]>>;
  readonly #tierScopes: Readonly<Record<string, readonly string[]>>;

  constructor(opts: OpenSaasJwtVerifierOptions) {
    this.#jwt = new JwtVerifier({
      publicKey: opts.publicKey,
      jwksUri: opts.jwksUri,
      algorithms: ['RS256'],
      issuer: opts.issuer ?? 'opensaas',
      audience: opts.audience ?? 'rpc-ai-backend',
      clockToleranceSeconds: opts.clockToleranceSeconds,
      allowInsecureLoopback: opts.allowInsecureLoopback,
      onEvent: opts.onEvent,
      fetch: opts.fetch,
      clock: opts.clock,
    });
    this.checksAudience = this.#jwt.checksAudience;
    this.requiredScopes = Object.freeze([...(opts.requiredScopes ?? [])]);
    this.#featureScopes = opts.featureScopes ?? {};
    this.#tierScopes = opts.tierScopes ?? {};
  }

  async verify(token: string): Promise<Principal> {
    const { payload, matchedAudience } = await this.#jwt.verifyJwt(token);
    const claims: Record<string, unknown> = { ...payload };
    const userId = readStringClaim(claims, 'userId') ?? readStringClaim(claims, 'sub');
    if (userId === undefined) throw new AuthError('invalid_claims', 'OpenSaaS token has no "userId"');
    const identity: OpenSaasIdentity = Object.freeze({
      userId,
      email: readStringClaim(claims, 'email'),
      subscriptionTier: readStringClaim(claims, 'subscriptionTier'),
      features: Object.freeze(readStringArrayClaim(claims, 'features') ?? []),
      organizationId: readStringClaim(claims, 'organizationId'),
      monthlyTokenQuota: readNumber(claims, 'monthlyTokenQuota'),
      rpmLimit: readNumber(claims, 'rpmLimit'),
      tpmLimit: readNumber(claims, 'tpmLimit'),
    });
    const scopes = uniq([
      ...readScopeClaim(claims),
      ...identity.features.flatMap((f) => lookup(this.#featureScopes, f)),
      ...(identity.subscriptionTier === undefined ? [] : lookup(this.#tierScopes, identity.subscriptionTier)),
    ]);
    requireScopes(scopes, this.requiredScopes);
    const audience = readAudience(claims);
    return Object.freeze({
      kind: 'token' as const,
      subject: userId,
      clientId: readClientId(claims),
      scopes: Object.freeze(scopes),
      roles: readStringArrayClaim(claims, 'roles'),
      claims: Object.freeze(claims),
      expiresAt: typeof payload.exp === 'number' ? payload.exp : undefined,
      audience: audience === undefined ? undefined : Object.freeze(audience),
      resource: matchedAudience,
      extra: Object.freeze({ opensaas: identity }),
    });
  }
}

/** Own-property lookup only: a feature named "constructor" or "__proto__" must not reach Object.prototype. */
function lookup(table: Readonly<Record<string, readonly string[]>>, key: string): readonly string[] {
  if (!Object.hasOwn(table, key)) return [];
  const v = table[key];
  return Array.isArray(v) ? v : [];
}

function readNumber(claims: Readonly<Record<string, unknown>>, name: string): number | undefined {
  const v = claims[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new AuthError('invalid_claims', `"${name}" claim must be a number`);
  return v;
}
