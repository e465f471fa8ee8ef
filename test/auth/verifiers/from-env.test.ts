import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError as BaseConfigError } from '../../../src/errors.js';
import { verifierFromEnv } from '../../../src/auth/verifiers/from-env.js';
import { IntrospectionVerifier } from '../../../src/auth/verifiers/introspection.js';
import { JwtVerifier } from '../../../src/auth/verifiers/jwt.js';
import { StaticTokenVerifier } from '../../../src/auth/verifiers/static.js';
import { createJwksServer, generateKeyPair, mintToken, type JwksServer, type TestKeyPair } from '../../../src/testing/index.js';
import { expectAuthError, expectConfigError } from './helpers.js';

const RESOURCE = 'https://mcp.example/mcp';
const quiet = { logger: { warn: () => undefined } };
const SECRET = 'an-hmac-secret-that-is-long-enough!!';

let key: TestKeyPair;
let jwks: JwksServer;
beforeAll(async () => {
  key = await generateKeyPair('RS256');
  jwks = await createJwksServer([key]);
});
afterAll(async () => {
  await jwks.close();
});

describe('verifierFromEnv: valid configurations', () => {
  it('nothing set means mode none, no verifier', () => {
    expect(verifierFromEnv({})).toEqual({ mode: 'none', authorizationServers: [], requiredScopes: [] });
  });

  it('jwt with a JWKS URI binds the audience to the server resource URL by default', async () => {
    const r = verifierFromEnv(
      { MCP_BASTION_AUTH: 'jwt', MCP_BASTION_JWT_JWKS_URI: jwks.url, MCP_BASTION_REQUIRED_SCOPES: 'mcp:tools, read' },
      { defaultAudience: RESOURCE, allowInsecureLoopback: true },
    );
    expect(r.mode).toBe('jwt');
    expect(r.requiredScopes).toEqual(['mcp:tools', 'read']);
    expect(r.verifier).toBeInstanceOf(JwtVerifier);
    expect(r.verifier?.checksAudience).toBe(true);
    expect(r.verifier?.requiredScopes).toEqual(['mcp:tools', 'read']);
    const good = await mintToken(key, { sub: 'a', aud: RESOURCE, scope: 'mcp:tools read' });
    await expect(r.verifier?.verify(good)).resolves.toMatchObject({ subject: 'a' });
    const other = await mintToken(key, { sub: 'a', aud: 'https://other.example/mcp', scope: 'mcp:tools read' });
    await expectAuthError(r.verifier?.verify(other) ?? Promise.resolve(), 'wrong_audience');
  });

  it('accepts the defaultAudience as a plain string argument', () => {
    const r = verifierFromEnv({ MCP_BASTION_AUTH: 'jwt', MCP_BASTION_JWT_SECRET: SECRET }, RESOURCE);
    expect(r.verifier?.checksAudience).toBe(true);
  });

  it('explicit MCP_BASTION_JWT_AUDIENCE (comma list) overrides the default audience', async () => {
    const r = verifierFromEnv(
      {
        MCP_BASTION_AUTH: 'jwt',
        MCP_BASTION_JWT_PUBLIC_KEY: key.publicPem,
        MCP_BASTION_JWT_AUDIENCE: 'api-a, api-b',
        MCP_BASTION_JWT_ISSUER: 'https://idp.example',
      },
      RESOURCE,
    );
    await expect(r.verifier?.verify(await mintToken(key, { sub: 'a', aud: 'api-b', iss: 'https://idp.example' }))).resolves.toBeTruthy();
    await expectAuthError(
      r.verifier?.verify(await mintToken(key, { sub: 'a', aud: RESOURCE, iss: 'https://idp.example' })) ?? Promise.resolve(),
      'wrong_audience',
    );
  });

  it('reads the public key from @file and from PEM text with \\n escapes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bastion-env-'));
    const file = join(dir, 'public.pem');
    writeFileSync(file, key.publicPem);
    const token = await mintToken(key, { sub: 'a', aud: RESOURCE });
    for (const value of [`@${file}`, key.publicPem.replace(/\n/g, '\\n'), JSON.stringify(key.publicJwk)]) {
      const r = verifierFromEnv({ MCP_BASTION_AUTH: 'jwt', MCP_BASTION_JWT_PUBLIC_KEY: value }, RESOURCE);
      await expect(r.verifier?.verify(token)).resolves.toBeTruthy();
    }
  });

  it('remote mode = JWT verification + authorization servers, which become the trusted issuers by default', async () => {
    const r = verifierFromEnv(
      {
        MCP_BASTION_AUTH: 'remote',
        MCP_BASTION_JWT_JWKS_URI: jwks.url,
        MCP_BASTION_AUTHORIZATION_SERVERS: 'https://idp.example, https://idp2.example',
      },
      { defaultAudience: RESOURCE, allowInsecureLoopback: true },
    );
    expect(r.mode).toBe('remote');
    expect(r.authorizationServers).toEqual(['https://idp.example', 'https://idp2.example']);
    await expect(r.verifier?.verify(await mintToken(key, { sub: 'a', aud: RESOURCE, iss: 'https://idp2.example' }))).resolves.toBeTruthy();
    await expectAuthError(
      r.verifier?.verify(await mintToken(key, { sub: 'a', aud: RESOURCE, iss: 'https://evil.example' })) ?? Promise.resolve(),
      'wrong_issuer',
    );
  });

  it('introspection mode builds an IntrospectionVerifier', () => {
    const r = verifierFromEnv({
      MCP_BASTION_AUTH: 'introspection',
      MCP_BASTION_INTROSPECTION_URL: 'https://as.example/introspect',
      MCP_BASTION_INTROSPECTION_CLIENT_ID: 'rs',
      MCP_BASTION_INTROSPECTION_CLIENT_SECRET: 'secret',
    });
    expect(r.verifier).toBeInstanceOf(IntrospectionVerifier);
  });

  it('static mode parses the JSON token map', async () => {
    const r = verifierFromEnv(
      {
        MCP_BASTION_AUTH: 'static',
        MCP_BASTION_STATIC_TOKENS: JSON.stringify({ 'dev-token-abcdef123456': { sub: 'dev', clientId: 'c', scopes: ['mcp:tools'] } }),
      },
      quiet,
    );
    expect(r.verifier).toBeInstanceOf(StaticTokenVerifier);
    await expect(r.verifier?.verify('dev-token-abcdef123456')).resolves.toMatchObject({ subject: 'dev', scopes: ['mcp:tools'] });
  });
});

describe('verifierFromEnv: invalid or contradictory configuration names the variable', () => {
  it('MCP_BASTION_JWT_SECRET and MCP_BASTION_JWT_JWKS_URI together are mutually exclusive', () => {
    const err = expectConfigError(
      () =>
        verifierFromEnv({ MCP_BASTION_AUTH: 'jwt', MCP_BASTION_JWT_SECRET: SECRET, MCP_BASTION_JWT_JWKS_URI: 'https://idp.example/jwks' }),
      'MCP_BASTION_JWT_SECRET and MCP_BASTION_JWT_JWKS_URI are mutually exclusive',
    );
    expect(err.option).toBe('MCP_BASTION_JWT_SECRET');
  });

  it('errors are the package-wide ConfigError (the CLI reports them as configuration errors) with the variable in `option`', () => {
    const err = expectConfigError(
      () => verifierFromEnv({ MCP_BASTION_AUTH: 'jwt', MCP_BASTION_JWT_SECRET: 'short' }),
      'MCP_BASTION_JWT_SECRET',
    );
    expect(err).toBeInstanceOf(BaseConfigError);
    expect(err.option).toBe('MCP_BASTION_JWT_SECRET');
    expect(err.message.startsWith('MCP_BASTION_JWT_SECRET: MCP_BASTION_JWT_SECRET')).toBe(false);
  });

  it('an unknown MCP_BASTION_AUTH value is refused', () => {
    expectConfigError(() => verifierFromEnv({ MCP_BASTION_AUTH: 'jwks' }), 'MCP_BASTION_AUTH must be one of');
  });

  it('key material without MCP_BASTION_AUTH is refused rather than silently running unauthenticated', () => {
    expectConfigError(
      () => verifierFromEnv({ MCP_BASTION_JWT_JWKS_URI: 'https://idp.example/jwks' }),
      /MCP_BASTION_AUTH is not set but MCP_BASTION_JWT_JWKS_URI is set; set MCP_BASTION_AUTH=jwt/,
    );
  });

  it('MCP_BASTION_AUTH=none with auth variables set is a contradiction', () => {
    expectConfigError(
      () => verifierFromEnv({ MCP_BASTION_AUTH: 'none', MCP_BASTION_REQUIRED_SCOPES: 'admin' }),
      'MCP_BASTION_REQUIRED_SCOPES',
    );
  });

  it('variables of another mode are reported, not ignored', () => {
    expectConfigError(
      () =>
        verifierFromEnv({ MCP_BASTION_AUTH: 'jwt', MCP_BASTION_JWT_SECRET: SECRET, MCP_BASTION_INTROSPECTION_URL: 'https://as.example/i' }),
      /MCP_BASTION_INTROSPECTION_URL is set but MCP_BASTION_AUTH=jwt/,
    );
    expectConfigError(
      () => verifierFromEnv({ MCP_BASTION_AUTH: 'static', MCP_BASTION_STATIC_TOKENS: '{}', MCP_BASTION_JWT_SECRET: SECRET }),
      'MCP_BASTION_JWT_SECRET',
    );
  });

  it('a short MCP_BASTION_JWT_SECRET is refused, naming the variable', () => {
    const err = expectConfigError(
      () => verifierFromEnv({ MCP_BASTION_AUTH: 'jwt', MCP_BASTION_JWT_SECRET: 'too-short' }),
      'MCP_BASTION_JWT_SECRET',
    );
    expect(err.option).toBe('MCP_BASTION_JWT_SECRET');
  });

  it('jwt mode without any key source names the three variables', () => {
    expectConfigError(
      () => verifierFromEnv({ MCP_BASTION_AUTH: 'jwt' }),
      /MCP_BASTION_JWT_JWKS_URI, MCP_BASTION_JWT_PUBLIC_KEY or MCP_BASTION_JWT_SECRET/,
    );
  });

  it('an http JWKS URI is refused, naming MCP_BASTION_JWT_JWKS_URI', () => {
    expectConfigError(
      () => verifierFromEnv({ MCP_BASTION_AUTH: 'jwt', MCP_BASTION_JWT_JWKS_URI: 'http://idp.example/jwks' }),
      /MCP_BASTION_JWT_JWKS_URI: .*https/,
    );
  });

  it('HMAC algorithms with a public key are refused, naming MCP_BASTION_JWT_ALGORITHMS', () => {
    expectConfigError(
      () =>
        verifierFromEnv({ MCP_BASTION_AUTH: 'jwt', MCP_BASTION_JWT_PUBLIC_KEY: key.publicPem, MCP_BASTION_JWT_ALGORITHMS: 'RS256,HS256' }),
      'MCP_BASTION_JWT_ALGORITHMS',
    );
    expectConfigError(
      () => verifierFromEnv({ MCP_BASTION_AUTH: 'jwt', MCP_BASTION_JWT_SECRET: SECRET, MCP_BASTION_JWT_ALGORITHMS: 'none' }),
      'MCP_BASTION_JWT_ALGORITHMS',
    );
  });

  it('an unreadable @file or garbage public key names MCP_BASTION_JWT_PUBLIC_KEY', () => {
    expectConfigError(
      () => verifierFromEnv({ MCP_BASTION_AUTH: 'jwt', MCP_BASTION_JWT_PUBLIC_KEY: '@/nonexistent/key.pem' }),
      'MCP_BASTION_JWT_PUBLIC_KEY',
    );
    expectConfigError(
      () => verifierFromEnv({ MCP_BASTION_AUTH: 'jwt', MCP_BASTION_JWT_PUBLIC_KEY: 'not a key' }),
      'MCP_BASTION_JWT_PUBLIC_KEY',
    );
    expectConfigError(
      () => verifierFromEnv({ MCP_BASTION_AUTH: 'jwt', MCP_BASTION_JWT_PUBLIC_KEY: JSON.stringify(key.privateJwk) }),
      'MCP_BASTION_JWT_PUBLIC_KEY',
    );
  });

  it('remote mode without MCP_BASTION_AUTHORIZATION_SERVERS is refused', () => {
    expectConfigError(
      () => verifierFromEnv({ MCP_BASTION_AUTH: 'remote', MCP_BASTION_JWT_SECRET: SECRET }),
      'MCP_BASTION_AUTHORIZATION_SERVERS',
    );
  });

  it('a non-https authorization server is refused, naming MCP_BASTION_AUTHORIZATION_SERVERS', () => {
    expectConfigError(
      () =>
        verifierFromEnv({
          MCP_BASTION_AUTH: 'remote',
          MCP_BASTION_JWT_SECRET: SECRET,
          MCP_BASTION_AUTHORIZATION_SERVERS: 'http://idp.example',
        }),
      'MCP_BASTION_AUTHORIZATION_SERVERS',
    );
  });

  it('introspection without credentials names the missing variable', () => {
    expectConfigError(
      () => verifierFromEnv({ MCP_BASTION_AUTH: 'introspection', MCP_BASTION_INTROSPECTION_URL: 'https://as.example/i' }),
      'MCP_BASTION_INTROSPECTION_CLIENT_ID',
    );
    expectConfigError(
      () =>
        verifierFromEnv({
          MCP_BASTION_AUTH: 'introspection',
          MCP_BASTION_INTROSPECTION_URL: 'https://as.example/i',
          MCP_BASTION_INTROSPECTION_CLIENT_ID: 'rs',
        }),
      'MCP_BASTION_INTROSPECTION_CLIENT_SECRET',
    );
    expectConfigError(
      () =>
        verifierFromEnv({
          MCP_BASTION_AUTH: 'introspection',
          MCP_BASTION_INTROSPECTION_URL: 'http://as.example/i',
          MCP_BASTION_INTROSPECTION_CLIENT_ID: 'rs',
          MCP_BASTION_INTROSPECTION_CLIENT_SECRET: 's',
        }),
      'MCP_BASTION_INTROSPECTION_URL',
    );
  });

  it('static tokens: missing, bad JSON, bad shape and production all name MCP_BASTION_STATIC_TOKENS, without echoing tokens', () => {
    expectConfigError(() => verifierFromEnv({ MCP_BASTION_AUTH: 'static' }, quiet), 'MCP_BASTION_STATIC_TOKENS');
    expectConfigError(
      () => verifierFromEnv({ MCP_BASTION_AUTH: 'static', MCP_BASTION_STATIC_TOKENS: '{not json' }, quiet),
      'MCP_BASTION_STATIC_TOKENS is not valid JSON',
    );
    const err = expectConfigError(
      () =>
        verifierFromEnv(
          { MCP_BASTION_AUTH: 'static', MCP_BASTION_STATIC_TOKENS: JSON.stringify({ 'secret-token-value-xyz': { scopes: ['a'] } }) },
          quiet,
        ),
      'MCP_BASTION_STATIC_TOKENS',
    );
    expect(err.message).not.toContain('secret-token-value-xyz');
    expectConfigError(
      () =>
        verifierFromEnv(
          {
            MCP_BASTION_AUTH: 'static',
            NODE_ENV: 'production',
            MCP_BASTION_STATIC_TOKENS: JSON.stringify({ 'dev-token-abcdef123456': { sub: 'dev' } }),
          },
          quiet,
        ),
      /MCP_BASTION_STATIC_TOKENS: .*production/,
    );
  });
});
