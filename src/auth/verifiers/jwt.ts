import { jwtVerify } from 'jose';
import type { JWK, JWTPayload, JWTVerifyOptions, ProtectedHeaderParameters } from 'jose';
import { AuthError, type Principal, type TokenVerifier } from '../principal.js';
import {
  readAudience,
  readClientId,
  readScopeClaim,
  readStringArrayClaim,
  readStringClaim,
  requireScopes,
  toList,
  type VerifierEventSink,
} from './claims.js';
import { ConfigError } from '../../errors.js';
import type { FetchLike } from './http.js';
import { mapJoseError } from './jose-errors.js';
import { JwksCache } from './jwks.js';
import { hmacKeySource, jwksKeySource, publicKeySource, type KeySource } from './key-source.js';
import { requireHttps } from '../../net/url-policy.js';

export interface JwtVerifierOptions {
  /** Exactly one of `jwksUri`, `publicKey`, `secret`. */
  readonly jwksUri?: string | undefined;
  /** PEM (SPKI, PKCS#1, X.509 certificate) or JWK (object or JSON text). */
  readonly publicKey?: string | JWK | undefined;
  /** HMAC secret, at least as long as the digest (32 bytes for HS256). */
  readonly secret?: string | Uint8Array | undefined;
  /** Allow-list. Default: HS256 for `secret`; the RS/PS/ES/EdDSA algorithms the key supports otherwise. */
  readonly algorithms?: readonly string[] | undefined;
  readonly issuer?: string | readonly string[] | undefined;
  /** The token's `aud` must contain one of these. Configure it: without it a token for any service of the same IdP passes. */
  readonly audience?: string | readonly string[] | undefined;
  readonly requiredScopes?: readonly string[] | undefined;
  /** Default 30. */
  readonly clockToleranceSeconds?: number | undefined;
  /** Expected `typ` header, for example `at+jwt` (RFC 9068). */
  readonly typ?: string | undefined;
  /** Minimum seconds between JWKS refetches caused by unknown `kid`s. Default 30. */
  readonly jwksCooldownSeconds?: number | undefined;
  /** JWKS HTTP timeout. Default 5000. */
  readonly jwksTimeoutMs?: number | undefined;
  /** Refresh keys older than this on next use. Default 600. */
  readonly jwksMaxAgeSeconds?: number | undefined;
  /** Permit `http:` JWKS URIs on loopback hosts (tests, local IdPs). */
  readonly allowInsecureLoopback?: boolean | undefined;
  /** Tokens longer than this are refused before parsing. Default 16 KiB. */
  readonly maxTokenLength?: number | undefined;
  readonly onEvent?: VerifierEventSink | undefined;
  /** For tests: a fetch implementation and a clock (milliseconds since the epoch). */
  readonly fetch?: FetchLike | undefined;
  readonly clock?: (() => number) | undefined;
}

export interface VerifiedJwt {
  readonly payload: JWTPayload;
  readonly protectedHeader: ProtectedHeaderParameters;
  /** The configured audience that the token's `aud` matched, if an audience is configured. */
  readonly matchedAudience?: string | undefined;
}

/** Compact JWS: three base64url segments, signature may be empty (that is `alg: none`, refused later by the allow-list). */
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

/** Verifies JWT access tokens with jose: signature, `exp` (required), `nbf`, `iat`, `iss`, `aud`, scopes. */
export class JwtVerifier implements TokenVerifier {
  readonly checksAudience: boolean;
  readonly requiredScopes: readonly string[];
  readonly algorithms: readonly string[];
  readonly #keys: KeySource;
  readonly #jwks: JwksCache | undefined;
  readonly #issuer: string[] | undefined;
  readonly #audience: string[] | undefined;
  readonly #tolerance: number;
  readonly #typ: string | undefined;
  readonly #maxTokenLength: number;
  readonly #clock: (() => number) | undefined;

  constructor(opts: JwtVerifierOptions) {
    const sources = (['jwksUri', 'publicKey', 'secret'] as const).filter((k) => opts[k] !== undefined && opts[k] !== '');
    if (sources.length !== 1) {
      throw new ConfigError(
        sources[0] ?? 'jwksUri',
        sources.length === 0
          ? 'one of jwksUri, publicKey or secret is required'
          : `${sources.join(' and ')} are mutually exclusive: configure exactly one key source`,
      );
    }
    this.#clock = opts.clock;
    if (opts.jwksUri !== undefined && opts.jwksUri !== '') {
      const url = requireHttps('jwksUri', opts.jwksUri, opts.allowInsecureLoopback === true);
      this.#jwks = new JwksCache({
        url,
        cooldownMs: seconds('jwksCooldownSeconds', opts.jwksCooldownSeconds, 30) * 1000,
        timeoutMs: positive('jwksTimeoutMs', opts.jwksTimeoutMs, 5_000),
        maxAgeMs: seconds('jwksMaxAgeSeconds', opts.jwksMaxAgeSeconds, 600) * 1000,
        fetch: opts.fetch,
        onEvent: opts.onEvent,
        now: opts.clock ?? Date.now,
      });
      this.#keys = jwksKeySource(this.#jwks, opts.algorithms);
    } else if (opts.publicKey !== undefined && opts.publicKey !== '') {
      this.#keys = publicKeySource(opts.publicKey, opts.algorithms);
    } else {
      this.#keys = hmacKeySource(opts.secret as string | Uint8Array, opts.algorithms);
    }
    this.algorithms = Object.freeze([...this.#keys.algorithms]);
    this.#issuer = nonEmptyList('issuer', opts.issuer);
    this.#audience = nonEmptyList('audience', opts.audience);
    this.checksAudience = this.#audience !== undefined;
    this.requiredScopes = Object.freeze([...(opts.requiredScopes ?? [])]);
    this.#tolerance = seconds('clockToleranceSeconds', opts.clockToleranceSeconds, 30);
    this.#typ = opts.typ;
    this.#maxTokenLength = positive('maxTokenLength', opts.maxTokenLength, 16 * 1024);
  }

  /** JWKS fetches started so far (0 without `jwksUri`). */
  get jwksFetchCount(): number {
    return this.#jwks?.fetchCount ?? 0;
  }

  /** Verifies signature and registered claims only; no principal, no scope check. For presets that map claims themselves. */
  async verifyJwt(token: string): Promise<VerifiedJwt> {
    if (typeof token !== 'string' || token.length === 0 || token.length > this.#maxTokenLength || !COMPACT_JWS.test(token)) {
      throw new AuthError('malformed', 'token is not a well-formed signed JWT');
    }
    const options: JWTVerifyOptions = {
      algorithms: [...this.algorithms],
      clockTolerance: this.#tolerance,
      requiredClaims: ['exp'],
    };
    if (this.#issuer !== undefined) options.issuer = this.#issuer;
    if (this.#audience !== undefined) options.audience = this.#audience;
    if (this.#typ !== undefined) options.typ = this.#typ;
    if (this.#clock !== undefined) options.currentDate = new Date(this.#clock());
    let result: Awaited<ReturnType<typeof jwtVerify>>;
    try {
      result = await jwtVerify(token, this.#keys.resolve, options);
    } catch (err) {
      throw mapJoseError(err);
    }
    const aud = readAudience(result.payload);
    const matchedAudience = this.#audience?.find((a) => aud?.includes(a));
    return { payload: result.payload, protectedHeader: result.protectedHeader, matchedAudience };
  }

  async verify(token: string): Promise<Principal> {
    const { payload, matchedAudience } = await this.verifyJwt(token);
    const principal = principalFromJwt(payload, matchedAudience);
    requireScopes(principal.scopes, this.requiredScopes);
    return principal;
  }
}

/** Builds the principal from verified claims. Subject is `sub`, else the client id (client-credentials tokens often lack `sub`). */
export function principalFromJwt(payload: JWTPayload, matchedAudience: string | undefined): Principal {
  const claims: Record<string, unknown> = { ...payload };
  const clientId = readClientId(claims);
  const subject = readStringClaim(claims, 'sub') ?? clientId;
  if (subject === undefined) throw new AuthError('invalid_claims', 'token has neither "sub" nor a client id');
  const scopes = readScopeClaim(claims);
  const roles = readStringArrayClaim(claims, 'roles');
  const audience = readAudience(claims);
  return Object.freeze({
    kind: 'token' as const,
    subject,
    clientId,
    scopes: Object.freeze(scopes),
    roles: roles === undefined ? undefined : Object.freeze(roles),
    claims: Object.freeze(claims),
    expiresAt: typeof payload.exp === 'number' ? payload.exp : undefined,
    audience: audience === undefined ? undefined : Object.freeze(audience),
    // Only a configured audience counts as "the resource": an unchecked `aud` proves nothing about this server.
    resource: matchedAudience,
  });
}

function nonEmptyList(name: string, value: string | readonly string[] | undefined): string[] | undefined {
  const list = toList(value);
  if (list === undefined) return undefined;
  if (list.length === 0 || list.some((v) => typeof v !== 'string' || v === '')) {
    throw new ConfigError(name, `${name} must be a non-empty string or a list of non-empty strings`);
  }
  return list;
}

function seconds(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value < 0) throw new ConfigError(name, `${name} must be a non-negative number`);
  return value;
}

function positive(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value <= 0) throw new ConfigError(name, `${name} must be a positive number`);
  return value;
}
