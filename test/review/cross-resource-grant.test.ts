import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  authorizeCode,
  CLIENT_REDIRECT,
  fullFlow,
  pkce,
  registerClient,
  startStack,
  tokenRequest,
  type Stack,
} from '../auth/proxy/harness.js';

/**
 * Review finding: codes and refresh tokens were not checked against the resource they were
 * granted for. Two MCP servers sharing one proxy store (one OAuthProxy bound twice, or
 * instances sharing a backend) would turn a grant the user approved for server A into tokens
 * for server B at B's /token, without the user ever consenting to B (RFC 8707 binding lost).
 */
describe('review: a grant is redeemable only at the resource it was approved for', () => {
  let a: Stack;
  let b: Stack;
  beforeAll(async () => {
    a = await startStack();
    b = await startStack({ store: a.store, idp: a.idp });
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
  });

  it("a refresh token from server A's grant yields no token at server B", async () => {
    const { clientId, tokens } = await fullFlow(a);
    const r = await tokenRequest(b.base, {
      grant_type: 'refresh_token',
      refresh_token: tokens.refresh_token as string,
      client_id: clientId,
    });
    expect(r.status).toBe(400);
    expect(r.body.error).toBe('invalid_grant');
    expect(r.body.access_token).toBeUndefined();
    // The legitimate client still refreshes at A.
    expect(
      (await tokenRequest(a.base, { grant_type: 'refresh_token', refresh_token: tokens.refresh_token as string, client_id: clientId }))
        .status,
    ).toBe(200);
  });

  it("an authorization code from server A's flow yields no token at server B", async () => {
    const { client_id } = await registerClient(a.base);
    const { verifier, challenge } = pkce();
    const q = await authorizeCode(a, client_id, challenge);
    const r = await tokenRequest(b.base, {
      grant_type: 'authorization_code',
      code: q.get('code') as string,
      code_verifier: verifier,
      client_id,
      redirect_uri: CLIENT_REDIRECT,
    });
    expect(r.status).toBe(400);
    expect(r.body.error).toBe('invalid_grant');
    expect(r.body.access_token).toBeUndefined();
  });
});
