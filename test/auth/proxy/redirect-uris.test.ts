import { describe, expect, it } from 'vitest';
import {
  KNOWN_CLIENT_REDIRECTS,
  checkRegistrableRedirectUri,
  isLoopbackRedirect,
  isRedirectAllowedByPolicy,
  knownClientRedirectPatterns,
  matchesRedirectPattern,
  parseRedirectPattern,
  parseSafeRedirectUri,
  redirectUriMatches,
} from '../../../src/auth/proxy/redirect-uris.js';

describe('parseSafeRedirectUri refuses forms that move a code elsewhere', () => {
  it.each([
    ['javascript:alert(1)'],
    ['JavaScript:alert(1)'],
    ['data:text/html,<script>alert(1)</script>'],
    ['file:///etc/passwd'],
    ['vbscript:msgbox(1)'],
  ])('dangerous scheme %s', (uri) => {
    expect(() => parseSafeRedirectUri(uri)).toThrow(/scheme/);
  });

  it.each([
    ['http://localhost:x@evil.example/cb'],
    ['https://good.example@evil.example/cb'],
    ['https://user:pass@good.example/cb'],
    ['http://127.0.0.1:8080@evil.example'],
  ])('userinfo open-redirect form %s', (uri) => {
    expect(() => parseSafeRedirectUri(uri)).toThrow(/userinfo/);
  });

  it('a fragment', () => expect(() => parseSafeRedirectUri('https://app.example/cb#x')).toThrow(/fragment/));

  it.each([
    ['https://app.example/cb/../admin'],
    ['https://app.example/cb/./x'],
    ['https://app.example/cb/%2e%2e/admin'],
    ['https://app.example/cb/.%2E/admin'],
    ['https://app.example/cb/%2E/x'],
    ['https://app.example/..'],
  ])('dot segments, raw or percent-encoded: %s', (uri) => {
    expect(() => parseSafeRedirectUri(uri)).toThrow(/dot segments/);
  });

  it.each([['https://app.example\\@evil.example/'], ['https://app.example/ cb'], ['https://app.example/\ncb']])(
    'backslashes and control characters: %j',
    (uri) => {
      expect(() => parseSafeRedirectUri(uri)).toThrow(OAuthLike);
    },
  );

  it('relative or non-string values', () => {
    expect(() => parseSafeRedirectUri('/cb')).toThrow(/absolute/);
    expect(() => parseSafeRedirectUri(42)).toThrow(/non-empty/);
    expect(() => parseSafeRedirectUri('')).toThrow(/non-empty/);
  });

  it('accepts ordinary https, loopback and private-use URIs (dots inside names are fine)', () => {
    expect(parseSafeRedirectUri('https://claude.ai/api/mcp/auth_callback').host).toBe('claude.ai');
    expect(parseSafeRedirectUri('http://127.0.0.1:33418').port).toBe('33418');
    expect(parseSafeRedirectUri('com.example.app:/oauth/cb').protocol).toBe('com.example.app:');
    expect(parseSafeRedirectUri('https://app.example/v1.2/..cb').pathname).toBe('/v1.2/..cb');
  });
});
const OAuthLike = /redirect_uri/;

describe('redirectUriMatches: exact match, loopback ports free (RFC 8252)', () => {
  const registered = ['https://app.example/cb', 'http://127.0.0.1:53682/callback', 'http://localhost/cb'];
  it('accepts the exact registered URI', () => expect(redirectUriMatches('https://app.example/cb', registered)).toBe(true));
  it('accepts a loopback URI on another port', () => {
    expect(redirectUriMatches('http://127.0.0.1:1234/callback', registered)).toBe(true);
    expect(redirectUriMatches('http://localhost:9999/cb', registered)).toBe(true);
  });
  it('an unregistered redirect URI is refused', () => expect(redirectUriMatches('https://evil.example/cb', registered)).toBe(false));
  it('a different path on a registered host is refused', () =>
    expect(redirectUriMatches('https://app.example/cb2', registered)).toBe(false));
  it('a prefix extension of a registered URI is refused', () =>
    expect(redirectUriMatches('https://app.example/cb/../../evil', registered)).toBe(false));
  it('an extra query on a registered URI is refused', () =>
    expect(redirectUriMatches('https://app.example/cb?next=evil', registered)).toBe(false));
  it('a port change on a non-loopback host is refused', () =>
    expect(redirectUriMatches('https://app.example:8443/cb', registered)).toBe(false));
  it('loopback with another path is refused', () => expect(redirectUriMatches('http://127.0.0.1:1234/other', registered)).toBe(false));
  it('loopback with another loopback host name is refused (127.0.0.1 vs localhost)', () =>
    expect(redirectUriMatches('http://localhost:53682/callback', registered)).toBe(false));
  it('an open-redirect userinfo form is refused even if it starts like a registered URI', () => {
    expect(redirectUriMatches('http://localhost:x@evil.example/cb', ['http://localhost/cb'])).toBe(false);
  });
  it('an http downgrade of a https loopback URI is refused', () => {
    expect(redirectUriMatches('http://127.0.0.1:1/cb', ['https://127.0.0.1:1/cb'])).toBe(false);
  });
});

describe('redirect patterns match parsed URL parts, never a string glob', () => {
  it('parses scheme, host, port and path', () => {
    expect(parseRedirectPattern('https://*.example.com:*/cb/*')).toEqual({
      scheme: 'https',
      host: '*.example.com',
      port: '*',
      path: '/cb/*',
    });
    expect(() => parseRedirectPattern('http://localhost:*@evil')).toThrow(/not a redirect pattern/);
  });
  it('a wildcard localhost port pattern does not accept the userinfo trick', () => {
    const p = parseRedirectPattern('http://localhost:*');
    expect(() => checkRegistrableRedirectUri('http://localhost:x@evil.example/cb', [p])).toThrow(/userinfo/);
    expect(matchesRedirectPattern(new URL('http://evil.example/cb'), p)).toBe(false);
    expect(matchesRedirectPattern(new URL('http://localhost:4000/anything'), p)).toBe(true);
  });
  it('*.domain matches subdomains only, not the apex or look-alikes', () => {
    const p = parseRedirectPattern('https://*.example.com/cb');
    expect(matchesRedirectPattern(new URL('https://a.example.com/cb'), p)).toBe(true);
    expect(matchesRedirectPattern(new URL('https://example.com/cb'), p)).toBe(false);
    expect(matchesRedirectPattern(new URL('https://evilexample.com/cb'), p)).toBe(false);
    expect(matchesRedirectPattern(new URL('https://a.example.com.evil.net/cb'), p)).toBe(false);
  });
  it('port omitted means the default port only; * means any', () => {
    const p = parseRedirectPattern('https://app.example/cb');
    expect(matchesRedirectPattern(new URL('https://app.example:8443/cb'), p)).toBe(false);
    expect(matchesRedirectPattern(new URL('https://app.example:443/cb'), p)).toBe(true);
  });
  it('path globs: * within a segment, ** across', () => {
    const one = parseRedirectPattern('https://app.example/cb/*');
    expect(matchesRedirectPattern(new URL('https://app.example/cb/x'), one)).toBe(true);
    expect(matchesRedirectPattern(new URL('https://app.example/cb/x/y'), one)).toBe(false);
    const any = parseRedirectPattern('https://app.example/cb/**');
    expect(matchesRedirectPattern(new URL('https://app.example/cb/x/y'), any)).toBe(true);
    expect(matchesRedirectPattern(new URL('https://app.example/cbx'), any)).toBe(false);
  });
  it('scheme must match exactly', () => {
    expect(matchesRedirectPattern(new URL('http://app.example/cb'), parseRedirectPattern('https://app.example/cb'))).toBe(false);
  });
});

describe('registration policy', () => {
  it('default allows https and loopback, refuses plain http elsewhere and custom schemes', () => {
    expect(isRedirectAllowedByPolicy(new URL('https://app.example/cb'), undefined)).toBe(true);
    expect(isRedirectAllowedByPolicy(new URL('http://127.0.0.1:9/cb'), undefined)).toBe(true);
    expect(isRedirectAllowedByPolicy(new URL('http://[::1]:9/cb'), undefined)).toBe(true);
    expect(isRedirectAllowedByPolicy(new URL('http://app.example/cb'), undefined)).toBe(false);
    expect(isRedirectAllowedByPolicy(new URL('com.example:/cb'), undefined)).toBe(false);
  });
  it('an empty list blocks everything', () => expect(isRedirectAllowedByPolicy(new URL('https://app.example/cb'), [])).toBe(false));
  it('isLoopbackRedirect recognises 127/8, ::1 and localhost only', () => {
    expect(isLoopbackRedirect(new URL('http://127.8.9.1/'))).toBe(true);
    expect(isLoopbackRedirect(new URL('http://localhost.evil.example/'))).toBe(false);
    expect(isLoopbackRedirect(new URL('http://128.0.0.1/'))).toBe(false);
  });
  it('the known-client preset admits Claude, ChatGPT, VS Code and loopback, nothing else', () => {
    const patterns = knownClientRedirectPatterns();
    for (const k of KNOWN_CLIENT_REDIRECTS) expect(() => checkRegistrableRedirectUri(k.redirectUri, patterns)).not.toThrow();
    expect(() => checkRegistrableRedirectUri('https://claude.ai/other', patterns)).toThrow(/policy/);
    expect(() => checkRegistrableRedirectUri('https://evil.example/cb', patterns)).toThrow(/policy/);
    expect(KNOWN_CLIENT_REDIRECTS.map((k) => k.redirectUri)).toEqual([
      'https://claude.ai/api/mcp/auth_callback',
      'https://chatgpt.com/connector_platform_oauth_redirect',
      'http://127.0.0.1:33418',
      'https://vscode.dev/redirect',
    ]);
  });
});
