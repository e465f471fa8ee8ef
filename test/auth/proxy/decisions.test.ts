import { describe, expect, it } from 'vitest';
import { checkPkce, checkResource, resolveRedirectUri, resolveScopes } from '../../../src/auth/proxy/authorize.js';
import { grantedScopes } from '../../../src/auth/proxy/callback.js';
import { readClientCredentials } from '../../../src/auth/proxy/client-auth.js';
import type { ClientRecord } from '../../../src/auth/proxy/clients.js';
import type { ProxyContext } from '../../../src/auth/proxy/context.js';
import { OAuthError } from '../../../src/auth/proxy/errors.js';
import { validateRegistration } from '../../../src/auth/proxy/register.js';
import { parseRedirectPattern } from '../../../src/auth/proxy/redirect-uris.js';
import { safeEqual, sha256B64url } from '../../../src/auth/proxy/secrets.js';
import { pkceMatches } from '../../../src/auth/proxy/token.js';
import { UpstreamError, sanitiseUpstreamCode, upstreamToOAuth } from '../../../src/auth/proxy/upstream.js';

const resource = new URL('https://mcp.example/mcp');
const err = (fn: () => unknown): string => {
  try {
    fn();
    return 'ok';
  } catch (e) {
    return e instanceof OAuthError ? e.code : String(e);
  }
};

describe('checkResource (RFC 8707)', () => {
  it('accepts this server, absent resource, and ignores an appended query (ChatGPT kb_name)', () => {
    expect(checkResource('https://mcp.example/mcp', resource)).toBe(resource.href);
    expect(checkResource(null, resource)).toBe(resource.href);
    expect(checkResource('https://mcp.example/mcp?kb_name=docs', resource)).toBe(resource.href);
  });
  it.each([
    ['https://other.example/mcp'],
    ['https://mcp.example/mcp2'],
    ['https://mcp.example/'],
    ['http://mcp.example/mcp'],
    ['https://mcp.example/mcp#x'],
    ['not a url'],
  ])('a token for another resource %s is invalid_target', (r) => {
    expect(err(() => checkResource(r, resource))).toBe('invalid_target');
  });
  it('when our resource URL has its own query, it must match exactly', () => {
    const withQuery = new URL('https://mcp.example/mcp?tenant=a');
    expect(checkResource('https://mcp.example/mcp?tenant=a', withQuery)).toBe(withQuery.href);
    expect(err(() => checkResource('https://mcp.example/mcp?tenant=b', withQuery))).toBe('invalid_target');
  });
});

describe('checkPkce and pkceMatches', () => {
  const verifier = 'v'.repeat(43);
  const challenge = sha256B64url(verifier);
  it('requires S256 and a well-formed challenge', () => {
    expect(checkPkce(challenge, 'S256')).toBe(challenge);
    expect(err(() => checkPkce(null, 'S256'))).toBe('invalid_request');
    expect(err(() => checkPkce(challenge, 'plain'))).toBe('invalid_request');
    expect(err(() => checkPkce(challenge, null))).toBe('invalid_request');
    expect(err(() => checkPkce('short', 'S256'))).toBe('invalid_request');
  });
  it('a wrong, short, or plain (verifier = challenge) verifier does not match', () => {
    expect(pkceMatches(verifier, challenge)).toBe(true);
    expect(pkceMatches('w'.repeat(43), challenge)).toBe(false);
    expect(pkceMatches('v'.repeat(42), sha256B64url('v'.repeat(42)))).toBe(false);
    expect(pkceMatches(challenge, challenge)).toBe(false);
    expect(pkceMatches(null, challenge)).toBe(false);
  });
});

describe('scopes', () => {
  it('unknown requested scopes are dropped; none requested means all valid scopes', () => {
    expect(resolveScopes('notes:read admin:everything', ['notes:read', 'notes:write'])).toEqual(['notes:read']);
    expect(resolveScopes(null, ['notes:read', 'notes:write'])).toEqual(['notes:read', 'notes:write']);
  });
  const who = { subject: 'alice' };
  it('granted scopes exclude what the upstream declined, through the scope translation', async () => {
    const ctx = (raw: object) => ({ opts: { raw } }) as unknown as ProxyContext;
    expect(await grantedScopes(ctx({}), ['a', 'b', 'c'], 'a c', who)).toEqual(['a', 'c']);
    expect(await grantedScopes(ctx({}), ['a', 'b'], 'a,b', who)).toEqual(['a', 'b']);
    expect(await grantedScopes(ctx({}), ['a', 'b'], undefined, who)).toEqual(['a', 'b']);
    expect(
      await grantedScopes(
        ctx({ translateScopes: (s: readonly string[]) => s.map((x) => `api://x/${x}`) }),
        ['a', 'b'],
        'api://x/a openid',
        who,
      ),
    ).toEqual(['a']);
  });
  it('a grantedScopes hook decides per user but can never widen the grant beyond the request', async () => {
    const ctx = {
      opts: {
        raw: {
          grantedScopes: (_r: readonly string[], _u: string | undefined, id: { subject: string }) =>
            id.subject === 'root' ? ['notes:read', 'admin'] : ['notes:read'],
        },
      },
    } as unknown as ProxyContext;
    expect(await grantedScopes(ctx, ['notes:read'], undefined, { subject: 'root' })).toEqual(['notes:read']);
    expect(await grantedScopes(ctx, ['notes:read', 'admin'], undefined, { subject: 'root' })).toEqual(['notes:read', 'admin']);
    expect(await grantedScopes(ctx, ['notes:read', 'admin'], undefined, { subject: 'mallory' })).toEqual(['notes:read']);
  });
});

describe('resolveRedirectUri', () => {
  const client = {
    client_id: 'c',
    kind: 'cimd',
    redirect_uris: ['https://app.example/cb', 'http://127.0.0.1/cb'],
    token_endpoint_auth_method: 'none',
    grant_types: [],
    created_at: 0,
  } as ClientRecord;
  const ctx = (patterns?: string[]) => ({ opts: { patterns: patterns?.map(parseRedirectPattern) } }) as unknown as ProxyContext;
  it('must be registered and allowed by policy; omitted only when exactly one is registered', () => {
    expect(resolveRedirectUri(ctx(), client, 'https://app.example/cb')).toBe('https://app.example/cb');
    expect(resolveRedirectUri(ctx(), client, 'http://127.0.0.1:5555/cb')).toBe('http://127.0.0.1:5555/cb');
    expect(err(() => resolveRedirectUri(ctx(), client, 'https://evil.example/cb'))).toBe('invalid_request');
    expect(err(() => resolveRedirectUri(ctx(), client, null))).toBe('invalid_request');
    expect(resolveRedirectUri(ctx(), { ...client, redirect_uris: ['https://app.example/cb'] }, null)).toBe('https://app.example/cb');
  });
  it('a CIMD document listing a URI the operator does not allow is still refused', () => {
    expect(err(() => resolveRedirectUri(ctx(['http://127.0.0.1:*/**']), client, 'https://app.example/cb'))).toBe('invalid_request');
  });
});

describe('validateRegistration', () => {
  const ctx = { opts: { patterns: undefined } } as unknown as ProxyContext;
  it.each([
    [{}, 'invalid_redirect_uri'],
    [{ redirect_uris: [] }, 'invalid_redirect_uri'],
    [{ redirect_uris: ['https://a.example/cb'], token_endpoint_auth_method: 'private_key_jwt' }, 'invalid_client_metadata'],
    [{ redirect_uris: ['https://a.example/cb'], grant_types: ['client_credentials'] }, 'invalid_client_metadata'],
    [{ redirect_uris: ['https://a.example/cb'], response_types: ['token'] }, 'invalid_client_metadata'],
    [{ redirect_uris: ['https://a.example/cb'], client_name: 'x'.repeat(201) }, 'invalid_client_metadata'],
    [{ redirect_uris: ['https://a.example/cb'], client_uri: 'javascript:alert(1)' }, 'invalid_client_metadata'],
    [[], 'invalid_client_metadata'],
    [{ redirect_uris: ['http://127.0.0.1:1/cb'], application_type: 'web' }, 'invalid_redirect_uri'],
    [{ redirect_uris: ['https://a.example/cb'], application_type: 'desktop' }, 'invalid_client_metadata'],
  ])('%j → %s', (body, code) => {
    expect(err(() => validateRegistration(body, ctx))).toBe(code);
  });
  it('web clients with https redirects and native clients with loopback redirects are accepted', () => {
    expect(err(() => validateRegistration({ redirect_uris: ['https://a.example/cb'], application_type: 'web' }, ctx))).toBe('ok');
    expect(err(() => validateRegistration({ redirect_uris: ['http://127.0.0.1:5/cb'], application_type: 'native' }, ctx))).toBe('ok');
  });
  it('defaults to a public client with both grants', () => {
    expect(validateRegistration({ redirect_uris: ['https://a.example/cb'] }, ctx)).toMatchObject({
      token_endpoint_auth_method: 'none',
      grant_types: ['authorization_code', 'refresh_token'],
    });
  });
});

describe('client credentials', () => {
  const req = (auth?: string) => new Request('https://x/token', { method: 'POST', headers: auth ? { authorization: auth } : {} });
  it('decodes form-encoded Basic credentials', () => {
    const basic = `Basic ${Buffer.from(`${encodeURIComponent('id:1')}:${encodeURIComponent('p@ss word')}`).toString('base64')}`;
    expect(readClientCredentials(req(basic), new URLSearchParams())).toEqual({ clientId: 'id:1', secret: 'p@ss word', basic: true });
  });
  it('refuses two authentication methods at once and a client_id that contradicts Basic', () => {
    const basic = `Basic ${Buffer.from('a:b').toString('base64')}`;
    expect(err(() => readClientCredentials(req(basic), new URLSearchParams({ client_secret: 'b' })))).toBe('invalid_request');
    expect(err(() => readClientCredentials(req(basic), new URLSearchParams({ client_id: 'other' })))).toBe('invalid_client');
    expect(err(() => readClientCredentials(req('Bearer x'), new URLSearchParams()))).toBe('invalid_client');
  });
  it('secret comparison is by constant-time hash equality', () => {
    expect(safeEqual('abc', 'abc')).toBe(true);
    expect(safeEqual('abc', 'abd')).toBe(false);
    expect(safeEqual('abc', 'abcd')).toBe(false);
  });
});

describe('upstream errors are sanitised', () => {
  it('only registered OAuth codes pass; free text is dropped', () => {
    expect(sanitiseUpstreamCode('access_denied')).toBe('access_denied');
    expect(sanitiseUpstreamCode('<script>alert(1)</script>')).toBeUndefined();
    expect(sanitiseUpstreamCode(42)).toBeUndefined();
  });
  it('transient upstream failures stay transient for the client', () => {
    expect(upstreamToOAuth(new UpstreamError('unavailable', undefined), 'invalid_grant').code).toBe('temporarily_unavailable');
    expect(upstreamToOAuth(new UpstreamError('rejected', 'invalid_grant'), 'invalid_grant').code).toBe('invalid_grant');
    expect(upstreamToOAuth(new UpstreamError('rejected', 'invalid_grant'), 'invalid_grant').message).not.toMatch(/upstream said/);
  });
});
