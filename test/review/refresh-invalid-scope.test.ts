import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fullFlow, startStack, tokenRequest, type Stack } from '../auth/proxy/harness.js';

/**
 * Review finding: a refresh asking for a scope outside the grant was refused with
 * invalid_scope only after the refresh token had been claimed (active → rotating), and the
 * claim was not released, so the client's valid refresh token answered 503 until the
 * stuck-claim timeout (30 s) expired.
 */
describe('review: a refused scope widening does not lock the refresh token', () => {
  let s: Stack;
  beforeAll(async () => {
    s = await startStack();
  });
  afterAll(async () => {
    await s?.close();
  });

  it('after invalid_scope, the same refresh token still refreshes at once', async () => {
    const { clientId, tokens } = await fullFlow(s);
    const wide = await tokenRequest(s.base, {
      grant_type: 'refresh_token',
      refresh_token: tokens.refresh_token as string,
      client_id: clientId,
      scope: 'notes:read admin',
    });
    expect(wide).toMatchObject({ status: 400, body: { error: 'invalid_scope' } });
    const started = Date.now();
    const r = await tokenRequest(s.base, {
      grant_type: 'refresh_token',
      refresh_token: tokens.refresh_token as string,
      client_id: clientId,
    });
    expect(r.status).toBe(200);
    expect(typeof r.body.access_token).toBe('string');
    expect(Date.now() - started).toBeLessThan(2_000);
  });
});
