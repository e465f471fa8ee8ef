import { describe, expect, it } from 'vitest';
import { gitHubTokenVerifier } from '../../src/auth/proxy/providers/github.js';
import { AuthError } from '../../src/auth/principal.js';

/**
 * Review finding: GitHub answers a rate-limited request with 403 (x-ratelimit-remaining: 0 or
 * retry-after). The API verifier read every 403 as "token dead", and the refresh grant then
 * revoked the user's grant (and /mcp answered 401): a rate limit logged users out.
 */
async function outcome(res: Response): Promise<AuthError> {
  const v = gitHubTokenVerifier({ fetch: async () => res });
  return v.verify('gho_x').then(
    () => {
      throw new Error('verified');
    },
    (e: unknown) => e as AuthError,
  );
}

describe('review: a rate-limited provider API is unavailable, not a dead token', () => {
  it('403 with x-ratelimit-remaining: 0 is 503', async () => {
    const e = await outcome(
      new Response('{"message":"API rate limit exceeded"}', { status: 403, headers: { 'x-ratelimit-remaining': '0' } }),
    );
    expect(e).toBeInstanceOf(AuthError);
    expect(e.status).toBe(503);
  });

  it('403 with retry-after (secondary limit) and 429 are 503', async () => {
    expect((await outcome(new Response('{}', { status: 403, headers: { 'retry-after': '60' } }))).status).toBe(503);
    expect((await outcome(new Response('{}', { status: 429 }))).status).toBe(503);
  });

  it('a plain 401 or 403 still means the token is dead', async () => {
    expect((await outcome(new Response('{}', { status: 401 }))).status).toBe(401);
    expect((await outcome(new Response('{}', { status: 403, headers: { 'x-ratelimit-remaining': '4999' } }))).status).toBe(401);
  });
});
