import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JwtVerifier } from '../../../src/auth/verifiers/jwt.js';
import { MultiAuth } from '../../../src/auth/verifiers/multi.js';
import { IntrospectionVerifier } from '../../../src/auth/verifiers/introspection.js';
import { expectAuthError } from './helpers.js';
import { startOidcProvider, type OidcFixture } from './oidc-fixture.js';

let idp: OidcFixture;
beforeAll(async () => {
  idp = await startOidcProvider();
});
afterAll(async () => {
  await idp.close();
});

const verifier = (): JwtVerifier =>
  new JwtVerifier({ jwksUri: idp.jwksUri, allowInsecureLoopback: true, issuer: idp.issuer, audience: idp.jwtResource, typ: 'at+jwt' });

describe('JwtVerifier against real oidc-provider JWT access tokens (RFC 9068) and its JWKS', () => {
  it('accepts a client_credentials JWT access token for this resource', async () => {
    const token = await idp.clientCredentialsToken({ resource: idp.jwtResource, scope: 'mcp:tools' });
    const p = await verifier().verify(token);
    expect(p).toMatchObject({ kind: 'token', clientId: 'app', subject: 'app', scopes: ['mcp:tools'], resource: idp.jwtResource });
  });

  it('refuses a JWT the same IdP minted for a different resource', async () => {
    const other = new JwtVerifier({
      jwksUri: idp.jwksUri,
      allowInsecureLoopback: true,
      issuer: idp.issuer,
      audience: 'http://127.0.0.1:8799/elsewhere',
      typ: 'at+jwt',
    });
    const token = await idp.clientCredentialsToken({ resource: idp.jwtResource });
    await expectAuthError(other.verify(token), 'wrong_audience', { token });
  });

  it('MultiAuth of JWT + introspection accepts both token kinds from one IdP', async () => {
    const m = new MultiAuth([
      verifier(),
      new IntrospectionVerifier({
        introspectionUrl: idp.introspectionUrl,
        clientId: idp.basicClient.id,
        clientSecret: idp.basicClient.secret,
        allowInsecureLoopback: true,
        audience: idp.resource,
      }),
    ]);
    await expect(m.verify(await idp.clientCredentialsToken({ resource: idp.jwtResource }))).resolves.toMatchObject({
      resource: idp.jwtResource,
    });
    await expect(m.verify(await idp.clientCredentialsToken({ resource: idp.resource }))).resolves.toMatchObject({ resource: idp.resource });
    await expectAuthError(m.verify('not-a-real-token-value'), 'inactive');
  });
});
