import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findClient } from '../../src/auth/proxy/clients.js';
import type { ProxyContext } from '../../src/auth/proxy/context.js';
import { OAuthError } from '../../src/auth/proxy/errors.js';
import { loadGrant } from '../../src/auth/proxy/grants.js';
import { refreshGrant } from '../../src/auth/proxy/refresh.js';
import type { Store } from '../../src/storage/index.js';
import { fullFlow, startStack, type Stack } from '../auth/proxy/harness.js';

/**
 * Review finding: a refresh that lost the compare-and-set race and then re-read the token as
 * `active` again (the winner hit a transient upstream failure and gave the token back) fell
 * through to reuse detection (age measured from `at: undefined`) and revoked the user's grant.
 */
describe('review: losing the refresh race to a winner that gave the token back is not reuse', () => {
  let s: Stack;
  beforeAll(async () => {
    s = await startStack();
  });
  afterAll(async () => {
    await s?.close();
  });

  it('the loser gets temporarily_unavailable and the grant survives', async () => {
    const { clientId, tokens } = await fullFlow(s);
    const ctx = await s.proxy.context();
    const rec = (await ctx.store.get<{ grantId: string }>('oauthproxy.refresh', tokens.refresh_token as string)) as { grantId: string };
    // The winner's claim and restore both happen between our CAS and our re-read: our CAS fails, the record reads active.
    const store = new Proxy(ctx.store, {
      get(target, prop, receiver) {
        if (prop === 'compareAndSet') return async () => false;
        const v = Reflect.get(target, prop, receiver) as unknown;
        return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
      },
    }) as Store;
    const lost: ProxyContext = { ...ctx, store };
    const client = await findClient(ctx, clientId);
    const err = await refreshGrant(lost, client, tokens.refresh_token as string, null).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(OAuthError);
    expect((err as OAuthError).code).toBe('temporarily_unavailable');
    expect(await loadGrant(ctx, rec.grantId)).toBeDefined();
  });
});
