import { AuthError, type AuthFailureReason, type Principal, type TokenVerifier } from '../principal.js';
import { requireScopes, uniq } from './claims.js';
import { ConfigError } from '../../errors.js';

export interface MultiAuthOptions {
  /** Scopes every token must carry, whichever verifier accepted it (checked on top of that verifier's own). */
  readonly requiredScopes?: readonly string[] | undefined;
}

/**
 * How much a failure says about the token, used to pick the error to report
 * when every verifier refuses it:
 * 3 - a verifier recognised the token (signature or authority vouched for it)
 *     and refused it on its merits: expired, wrong audience, missing scope...
 *     That is the truth about this token, whatever the others said.
 * 2 - a verifier could not decide (outage). Answering 401 here would make the
 *     client discard a token that may be valid, so 503 beats "not mine".
 * 1 - "not mine": unknown key, bad signature, inactive, alg not allowed.
 * 0 - not even shaped like a token for that verifier.
 */
const RANK: Readonly<Record<AuthFailureReason, number>> = {
  malformed: 0,
  missing: 0,
  token_in_query: 0,
  bad_signature: 1,
  algorithm_not_allowed: 1,
  unknown_key: 1,
  inactive: 1,
  verifier_unavailable: 2,
  expired: 3,
  not_yet_valid: 3,
  wrong_issuer: 3,
  wrong_audience: 3,
  insufficient_scope: 3,
  invalid_claims: 3,
};

/**
 * Tries verifiers in order; the first that accepts the token wins. Verifiers
 * are tried one after the other (not raced) so a token meant for the first
 * never reaches, say, a remote introspection endpoint of the second.
 *
 * `checksAudience` is true only if every verifier checks audience: one
 * unbound verifier is enough to accept tokens minted for other services.
 * `requiredScopes` is the union of this instance's and every verifier's, for
 * advertising in challenges and metadata; enforcement stays with each
 * verifier (plus this instance's own list).
 */
export class MultiAuth implements TokenVerifier {
  readonly checksAudience: boolean;
  readonly requiredScopes: readonly string[];
  readonly verifiers: readonly TokenVerifier[];
  readonly #ownScopes: readonly string[];

  constructor(verifiers: readonly TokenVerifier[], opts: MultiAuthOptions = {}) {
    if (verifiers.length === 0) throw new ConfigError('verifiers', 'MultiAuth needs at least one verifier');
    this.verifiers = Object.freeze([...verifiers]);
    this.checksAudience = verifiers.every((v) => v.checksAudience);
    this.#ownScopes = Object.freeze([...(opts.requiredScopes ?? [])]);
    this.requiredScopes = Object.freeze(uniq([...this.#ownScopes, ...verifiers.flatMap((v) => v.requiredScopes)]));
  }

  async verify(token: string): Promise<Principal> {
    let best: AuthError | undefined;
    for (const verifier of this.verifiers) {
      let principal: Principal;
      try {
        principal = await verifier.verify(token);
      } catch (err) {
        const failure =
          err instanceof AuthError ? err : new AuthError('verifier_unavailable', 'a verifier failed unexpectedly', { cause: err });
        if (best === undefined || RANK[failure.reason] > RANK[best.reason]) best = failure;
        continue;
      }
      requireScopes(principal.scopes, this.#ownScopes);
      return principal;
    }
    throw best ?? new AuthError('malformed', 'token was not accepted');
  }
}
