import { createLocalJWKSet, errors as joseErrors } from 'jose';
import type { FlattenedJWSInput, JSONWebKeySet, JWSHeaderParameters } from 'jose';
import { AuthError } from '../principal.js';
import type { VerifierEventSink } from './claims.js';
import { fetchJson, type FetchLike } from './http.js';

export interface JwksCacheOptions {
  readonly url: URL;
  /** Minimum time between refetches triggered by unknown `kid`s. */
  readonly cooldownMs: number;
  readonly timeoutMs: number;
  /** Keys older than this are refreshed on the next verification (a removed key stops working). */
  readonly maxAgeMs: number;
  readonly fetch?: FetchLike | undefined;
  readonly onEvent?: VerifierEventSink | undefined;
  readonly now: () => number;
}

type LocalKeySet = ReturnType<typeof createLocalJWKSet>;
type RefreshReason = 'initial' | 'unknown_kid' | 'stale';

/**
 * A JWKS cache that an attacker cannot turn into a request amplifier.
 *
 * Tokens carry an attacker-chosen `kid`. A naive cache refetches on every
 * unknown `kid`, so a stream of random-`kid` tokens becomes a stream of
 * requests to the identity provider. Here:
 * - an unknown `kid` triggers at most one refetch per cooldown window;
 * - concurrent callers share ONE in-flight fetch (single-flight);
 * - while the key set has never loaded, failures back off too, so an outage
 *   of the IdP is not hammered either.
 *
 * The keys are held in jose's `createLocalJWKSet`, which does the kid/alg/kty
 * matching and keeps imported keys per JWK.
 */
export class JwksCache {
  readonly #opts: JwksCacheOptions;
  #local: LocalKeySet | undefined;
  #fetchedAt = Number.NEGATIVE_INFINITY;
  #lastAttemptAt = Number.NEGATIVE_INFINITY;
  #lastAttemptFailed = false;
  #inflight: Promise<void> | undefined;
  /** Number of HTTP fetches started (for metrics and tests). */
  fetchCount = 0;

  constructor(opts: JwksCacheOptions) {
    this.#opts = opts;
  }

  /** Key resolver for `jwtVerify`. */
  readonly getKey = async (header: JWSHeaderParameters, token: FlattenedJWSInput): Promise<CryptoKey> => {
    await this.#ensureLoaded();
    const local = this.#local;
    if (local === undefined) throw new AuthError('verifier_unavailable', 'signing keys are not available');
    try {
      return await local(header, token);
    } catch (err) {
      if (!(err instanceof joseErrors.JWKSNoMatchingKey)) throw err;
    }
    // Unknown kid: maybe the IdP rotated keys. Join a refresh already in
    // flight, or start one if the cooldown allows, else refuse right away.
    if (this.#inflight !== undefined) {
      await this.#inflight;
    } else if (this.#opts.now() - this.#lastAttemptAt >= this.#opts.cooldownMs) {
      await this.#refresh('unknown_kid');
    } else {
      throw new AuthError('unknown_key', 'token signed with a key that is not in the key set');
    }
    const refreshed = this.#local;
    if (refreshed === undefined) throw new AuthError('verifier_unavailable', 'signing keys are not available');
    return refreshed(header, token);
  };

  async #ensureLoaded(): Promise<void> {
    const now = this.#opts.now();
    if (this.#local === undefined) {
      if (this.#inflight !== undefined) return this.#inflight;
      // Back off after a failed first load; otherwise every request during an
      // IdP outage would start a fetch of its own.
      const backoff = Math.min(this.#opts.cooldownMs, 5_000);
      if (this.#lastAttemptFailed && now - this.#lastAttemptAt < backoff) {
        throw new AuthError('verifier_unavailable', 'signing keys are not available (JWKS fetch failed recently)');
      }
      return this.#refresh('initial');
    }
    if (now - this.#fetchedAt > this.#opts.maxAgeMs && this.#inflight === undefined && now - this.#lastAttemptAt >= this.#opts.cooldownMs) {
      // Stale but usable: keep serving the old keys if the refresh fails.
      await this.#refresh('stale').catch(() => undefined);
    }
  }

  #refresh(reason: RefreshReason): Promise<void> {
    if (this.#inflight !== undefined) return this.#inflight;
    this.#lastAttemptAt = this.#opts.now();
    const started = Date.now();
    this.fetchCount += 1;
    const run = this.#load().then(
      (keyCount) => {
        this.#lastAttemptFailed = false;
        this.#fetchedAt = this.#opts.now();
        this.#emit({ reason, ok: true, keyCount, durationMs: Date.now() - started });
      },
      (err: unknown) => {
        this.#lastAttemptFailed = true;
        this.#emit({ reason, ok: false, error: err instanceof Error ? err.message : 'unknown error', durationMs: Date.now() - started });
        throw err instanceof AuthError ? err : new AuthError('verifier_unavailable', 'JWKS could not be loaded', { cause: err });
      },
    );
    const settled = run.finally(() => {
      this.#inflight = undefined;
    });
    this.#inflight = settled;
    return settled;
  }

  async #load(): Promise<number> {
    const { status, body } = await fetchJson(this.#opts.url, {
      fetch: this.#opts.fetch,
      timeoutMs: this.#opts.timeoutMs,
      init: { headers: { accept: 'application/jwk-set+json, application/json' } },
    });
    if (status !== 200) throw new AuthError('verifier_unavailable', `JWKS endpoint answered ${status}`);
    // createLocalJWKSet validates the document's shape (throws JWKSInvalid).
    this.#local = createLocalJWKSet(body as JSONWebKeySet);
    return (body as JSONWebKeySet).keys.length;
  }

  #emit(fields: Record<string, unknown>): void {
    const url = `${this.#opts.url.origin}${this.#opts.url.pathname}`;
    try {
      this.#opts.onEvent?.({ type: 'jwks_refresh', url, ...fields });
    } catch {
      // A broken logger must not break verification.
    }
  }
}
