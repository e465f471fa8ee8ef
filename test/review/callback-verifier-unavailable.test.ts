import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuthError } from '../../src/auth/principal.js';
import { Browser, CLIENT_REDIRECT, authorizeUrl, pkce, registerClient, startStack, type Stack } from '../auth/proxy/harness.js';

/**
 * Review finding: when the provider's token-validation API was unavailable at the callback,
 * the client was told access_denied (the user refused), not temporarily_unavailable, so
 * clients gave up instead of retrying a transient outage.
 */
describe('review: an unavailable upstream verifier at the callback is temporarily_unavailable', () => {
  let s: Stack;
  beforeAll(async () => {
    s = await startStack({
      proxy: {
        tokenVerifier: {
          checksAudience: false,
          requiredScopes: [],
          verify: async () => Promise.reject(new AuthError('verifier_unavailable', 'down')),
        },
      },
    });
  });
  afterAll(async () => s?.close());

  it('the client gets temporarily_unavailable and no code', async () => {
    const { client_id } = await registerClient(s.base);
    const browser = new Browser({ consent: 'approve' });
    const r = await browser.run(
      authorizeUrl(s.base, { clientId: client_id, challenge: pkce().challenge, method: 'S256', resource: s.resource }),
      CLIENT_REDIRECT,
    );
    if (!('url' in r)) throw new Error(`stopped: ${r.stopped.status}`);
    expect(r.url.searchParams.get('error')).toBe('temporarily_unavailable');
    expect(r.url.searchParams.get('code')).toBeNull();
  });
});
