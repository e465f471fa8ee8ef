import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tokenAuth } from '../../src/auth/resource-server.js';
import { StaticTokenVerifier } from '../../src/auth/verifiers/static.js';
import { createDemoRouter } from '../../src/demo/router.js';
import { initializeBody, rawPost, startServer, type Started } from '../helpers/mcp.js';

/**
 * Review finding: the per-principal session cap counted sessions per (subject, client). With
 * open client registration one user gets any number of client ids (one DCR call each), so
 * one account could fill the global session cap and lock every other user out (503).
 */
describe('review: the per-principal session cap counts one user across all their clients', () => {
  let s: Started;
  const tokens: Record<string, { sub: string; clientId: string }> = {};
  for (let i = 0; i < 6; i++) tokens[`token-of-mallory-client-${i}-padding-0001`] = { sub: 'mallory', clientId: `client-${i}` };
  tokens['token-of-alice-padding-padding-0000001'] = { sub: 'alice', clientId: 'client-a' };
  beforeAll(async () => {
    const verifier = new StaticTokenVerifier({ tokens, logger: { warn: () => undefined } });
    s = await startServer({
      name: 'caps',
      version: '1',
      router: createDemoRouter(),
      auth: tokenAuth(verifier, { allowAnyAudience: true }),
      sessions: { maxSessions: 4, maxSessionsPerPrincipal: 2 },
    });
  });
  afterAll(async () => {
    await s?.close();
  });

  it("one subject's sessions through many clients stay within its own cap, leaving room for others", async () => {
    for (const t of Object.keys(tokens).filter((k) => k.includes('mallory'))) {
      await rawPost(s.url, initializeBody(), { authorization: `Bearer ${t}` });
    }
    expect(s.server.sessionCount).toBeLessThanOrEqual(2);
    const alice = await rawPost(s.url, initializeBody(), { authorization: 'Bearer token-of-alice-padding-padding-0000001' });
    expect(alice.status).toBe(200);
  });
});
