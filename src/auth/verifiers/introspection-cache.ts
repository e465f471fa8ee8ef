import { createHash } from 'node:crypto';
import type { Principal } from '../principal.js';

/**
 * Positive-result cache for introspection. Keys are SHA-256 digests of the
 * token, so a heap dump or debug print of the cache never yields a usable
 * bearer token. Only successful, scope-checked results go in; entries never
 * outlive the token's `exp`. Eviction is oldest-first (Map insertion order).
 */
export class IntrospectionCache {
  readonly #ttlMs: number;
  readonly #maxEntries: number;
  readonly #entries = new Map<string, { principal: Principal; until: number }>();

  constructor(ttlSeconds: number, maxEntries: number) {
    this.#ttlMs = ttlSeconds * 1000;
    this.#maxEntries = maxEntries;
  }

  static keyFor(token: string): string {
    return createHash('sha256').update(token, 'utf8').digest('base64url');
  }

  get size(): number {
    return this.#entries.size;
  }

  get(key: string, now: number): Principal | undefined {
    const hit = this.#entries.get(key);
    if (hit === undefined) return undefined;
    if (hit.until <= now) {
      this.#entries.delete(key);
      return undefined;
    }
    return hit.principal;
  }

  set(key: string, principal: Principal, now: number): void {
    const capByExp = principal.expiresAt === undefined ? Number.POSITIVE_INFINITY : principal.expiresAt * 1000;
    const until = Math.min(now + this.#ttlMs, capByExp);
    if (until <= now) return;
    this.#entries.delete(key);
    while (this.#entries.size >= this.#maxEntries) {
      const oldest = this.#entries.keys().next();
      if (oldest.done === true) break;
      this.#entries.delete(oldest.value);
    }
    this.#entries.set(key, { principal, until });
  }

  clear(): void {
    this.#entries.clear();
  }
}
