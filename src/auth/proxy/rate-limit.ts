import type { Store } from '../../storage/index.js';
import { jsonResponse } from './errors.js';

/** The public endpoints a caller can hit without any credential, each with its own budget. */
export type LimitedEndpoint = 'register' | 'authorize' | 'consent' | 'callback' | 'token' | 'revoke';

/** Requests per minute per client address. Registration and authorization write state, so they are the tightest. */
export const DEFAULT_RATE_LIMITS: Readonly<Record<LimitedEndpoint, number>> = Object.freeze({
  register: 10,
  authorize: 60,
  consent: 60,
  callback: 60,
  token: 120,
  revoke: 60,
});

const COLLECTION = 'proxy-rate-limits';

/**
 * Fixed one-minute windows counted in the Store, so every instance behind a load balancer
 * shares the budget. Returns a 429 answer when the caller is over it, else undefined.
 * Without a client address (no socket info) nothing is limited rather than everyone sharing one bucket.
 */
export async function rateLimited(
  store: Store,
  limits: Readonly<Record<LimitedEndpoint, number>>,
  endpoint: LimitedEndpoint,
  clientAddress: string | undefined,
): Promise<Response | undefined> {
  if (!clientAddress) return undefined;
  const limit = limits[endpoint];
  if (!Number.isFinite(limit) || limit <= 0) return undefined;
  const window = Math.floor(Date.now() / 60_000);
  const count = await store.increment(COLLECTION, `${endpoint}:${clientAddress}:${window}`, 1, { ttlSeconds: 120 });
  if (count <= limit) return undefined;
  const retryAfter = String(60 - (Math.floor(Date.now() / 1000) % 60));
  return jsonResponse({ error: 'temporarily_unavailable', error_description: 'too many requests; try again later' }, 429, {
    'retry-after': retryAfter,
  });
}
