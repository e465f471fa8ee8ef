import type { Principal } from '../auth/principal.js';
import type { Store } from '../storage/types.js';
import { createRateLimiter, principalKey, rateLimitResponse } from '../guard/rate-limit.js';

export interface RequestRate {
  /** Requests per window for each principal (anonymous callers: each client address). */
  readonly points: number;
  readonly durationSeconds: number;
}

/**
 * The per-principal request limit on `/mcp` and `/trpc`, counted in the Store so that instances
 * sharing a Redis enforce one global budget. Over budget: HTTP 429 with Retry-After.
 */
export function requestLimiter(
  store: Store,
  rate: RequestRate,
  option = 'rateLimit',
): (principal: Principal, clientAddress: string | undefined) => Promise<Response | undefined> {
  const limiter = createRateLimiter(store, { ...rate, keyPrefix: 'requests' }, option);
  return async (principal, clientAddress) => {
    const key = principal.kind === 'anonymous' ? `addr:${clientAddress ?? 'unknown'}` : principalKey(principal);
    const d = await limiter.consume(key);
    return d.allowed ? undefined : rateLimitResponse(d.retryAfterSeconds);
  };
}
