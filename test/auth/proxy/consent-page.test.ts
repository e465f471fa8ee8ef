import { describe, expect, it } from 'vitest';
import { CSS_HASH, consentHeaders, cspSourceFor, renderConsentPage, type ConsentView } from '../../../src/auth/proxy/consent-page.js';
import { isSameSiteNavigation } from '../../../src/auth/proxy/consent.js';
import { cookiePolicy, parseCookies, signCookieValue, verifyCookieValue } from '../../../src/auth/proxy/cookies.js';

const view: ConsentView = {
  clientName: '<img src=x onerror=alert(1)>',
  clientId: 'https://evil.example/c.json?"><script>',
  clientKind: 'cimd',
  redirectUri: 'http://127.0.0.1:9999/cb?x="<b>',
  scopes: ['notes:read', '<script>'],
  serverName: 'notes & more',
  action: '/consent',
  txn: 'txn"><x',
  csrf: 'csrf',
  render: 'abcdefgh',
  loopbackWarning: true,
};

describe('consent page rendering', () => {
  it('escapes every attacker-chosen value (client name, id, redirect, scopes, hidden fields)', () => {
    const html = renderConsentPage(view);
    expect(html).not.toContain('<img');
    expect(html).not.toContain('<script>');
    expect(html).not.toContain('txn"><x');
    expect(html).not.toContain('x="<b>');
    expect(html).toContain('&#60;img src&#61;x onerror&#61;alert(1)&#62;');
  });

  it('shows the redirect host prominently and warns about loopback redirects of CIMD clients', () => {
    const html = renderConsentPage(view);
    expect(html).toMatch(/<div class="host" id="redirect-host">127.0.0.1:9999<\/div>/);
    expect(html).toContain('role="alert"');
    expect(renderConsentPage({ ...view, loopbackWarning: false })).not.toContain('role="alert"');
  });

  it('headers forbid framing, scripts and foreign form targets', () => {
    const h = consentHeaders(['https://github.com', 'http://127.0.0.1:9999', 'evil; script-src *']);
    expect(h['x-frame-options']).toBe('DENY');
    expect(h['content-security-policy']).toBe(
      `default-src 'none'; style-src ${CSS_HASH}; form-action 'self' https://github.com http://127.0.0.1:9999; frame-ancestors 'none'; base-uri 'none'`,
    );
    expect(cspSourceFor('com.example.app:/cb')).toBe('com.example.app:');
  });
});

describe('signed __Host- cookies', () => {
  const key = Buffer.alloc(32, 7);
  it('a tampered or moved cookie value does not verify', () => {
    const v = signCookieValue(key, '__Host-mcpb-a', 'secret');
    expect(verifyCookieValue(key, '__Host-mcpb-a', v)).toBe('secret');
    expect(verifyCookieValue(key, '__Host-mcpb-b', v)).toBeUndefined();
    expect(verifyCookieValue(key, '__Host-mcpb-a', v.replace('secret', 'secreT'))).toBeUndefined();
    expect(verifyCookieValue(Buffer.alloc(32, 8), '__Host-mcpb-a', v)).toBeUndefined();
    expect(verifyCookieValue(key, '__Host-mcpb-a', 'nodot')).toBeUndefined();
  });
  it('over https, cookies are __Host- cookies: Secure, HttpOnly, SameSite=Lax, Path=/ and no Domain', () => {
    const jar = cookiePolicy(new URL('https://mcp.example'));
    expect(jar).toMatchObject({ secure: true, prefix: '__Host-mcpb-' });
    expect(jar.set('__Host-mcpb-x', 'v', 60)).toBe('__Host-mcpb-x=v; Path=/; Secure; HttpOnly; SameSite=Lax; Max-Age=60');
    expect(jar.clear('__Host-mcpb-x')).toContain('Max-Age=0');
    expect(() => jar.set('plain', 'v', 1)).toThrow(/__Host-/);
    // The loopback name is refused over https: it would lose the __Host- guarantees.
    expect(() => jar.set('mcpb-x', 'v', 1)).toThrow(/__Host-/);
    expect(parseCookies('a=1; b=2; a=3').get('a')).toBe('1');
  });
  it('on an http loopback base URL, cookies drop Secure and the __Host- prefix but keep HttpOnly, SameSite=Lax, Path=/', () => {
    for (const base of ['http://localhost:3000', 'http://127.0.0.1:3000', 'http://[::1]:3000']) {
      const jar = cookiePolicy(new URL(base));
      expect(jar).toMatchObject({ secure: false, prefix: 'mcpb-' });
      expect(jar.set('mcpb-x', 'v', 60)).toBe('mcpb-x=v; Path=/; HttpOnly; SameSite=Lax; Max-Age=60');
      expect(jar.clear('mcpb-x')).toBe('mcpb-x=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0');
      // A __Host- name without Secure would be dropped by the browser: refused here instead.
      expect(() => jar.set('__Host-mcpb-x', 'v', 1)).toThrow(/mcpb-/);
    }
  });
  it("'remember' consent skips the page only for navigations the browser marks same-site or direct", () => {
    const req = (site?: string) => new Request('http://x/authorize', { headers: site ? { 'sec-fetch-site': site } : {} });
    expect(isSameSiteNavigation(req('none'))).toBe(true);
    expect(isSameSiteNavigation(req('same-origin'))).toBe(true);
    expect(isSameSiteNavigation(req('same-site'))).toBe(true);
    expect(isSameSiteNavigation(req('cross-site'))).toBe(false);
    expect(isSameSiteNavigation(req())).toBe(false);
  });
});
