import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Browser, CLIENT_REDIRECT, authorizeUrl, consentForm, pkce, registerClient, startStack, type Stack } from './harness.js';

describe("consent 'always' and 'remember' over HTTP", () => {
  let s: Stack;
  let r: Stack;
  let clientId: string;
  beforeAll(async () => {
    s = await startStack({ consent: 'always' });
    r = await startStack({ consent: 'remember' });
    clientId = (await registerClient(r.base)).client_id;
  });
  afterAll(async () => {
    await s?.close();
    await r?.close();
  });

  async function firstHop(stack: Stack, browser: Browser, id: string): Promise<Response> {
    return browser.fetch(authorizeUrl(stack.base, { clientId: id, challenge: pkce().challenge, method: 'S256', resource: stack.resource }));
  }

  it("'always' sends every authorization to the consent page before going upstream", async () => {
    const { client_id } = await registerClient(s.base);
    const b = new Browser({ consent: 'approve', headers: { 'sec-fetch-site': 'none' } });
    for (let i = 0; i < 2; i++) {
      const res = await firstHop(s, b, client_id);
      expect(new URL(res.headers.get('location') as string).pathname).toBe('/consent');
      const page = await b.fetch(new URL(res.headers.get('location') as string, s.base).href);
      const form = consentForm(await page.text());
      form.delete('__action');
      form.set('action', 'approve');
      const post = await b.fetch(`${s.base}/consent`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: form.toString(),
      });
      expect(post.status).toBe(303);
      expect(post.headers.get('location')).toContain(s.idp.issuer);
    }
  });

  it('a consent POST replaying a used CSRF token is refused', async () => {
    const { client_id } = await registerClient(s.base);
    const b = new Browser();
    const res = await firstHop(s, b, client_id);
    const page = await b.fetch(new URL(res.headers.get('location') as string, s.base).href);
    const form = consentForm(await page.text());
    form.delete('__action');
    form.set('action', 'approve');
    const cookies = b.cookieHeader();
    const post = (cookie: string) =>
      fetch(`${s.base}/consent`, {
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
        body: form.toString(),
      });
    expect((await post(cookies)).status).toBe(303);
    expect((await post(cookies)).status).toBe(403);
  });

  it('a consent POST without the CSRF cookie (cross-site form) is refused', async () => {
    const { client_id } = await registerClient(s.base);
    const b = new Browser();
    const res = await firstHop(s, b, client_id);
    const page = await b.fetch(new URL(res.headers.get('location') as string, s.base).href);
    const form = consentForm(await page.text());
    form.delete('__action');
    form.set('action', 'approve');
    const post = await fetch(`${s.base}/consent`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: form.toString(),
    });
    expect(post.status).toBe(403);
    const crossSite = await fetch(`${s.base}/consent`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: b.cookieHeader(), 'sec-fetch-site': 'cross-site' },
      body: form.toString(),
    });
    expect(crossSite.status).toBe(403);
  });

  it("'remember' skips the page for the same browser and client on a direct navigation only", async () => {
    const b = new Browser({ consent: 'approve', headers: { 'sec-fetch-site': 'none' } });
    const first = await b.run(
      authorizeUrl(r.base, { clientId, challenge: pkce().challenge, method: 'S256', resource: r.resource }),
      CLIENT_REDIRECT,
    );
    expect('url' in first).toBe(true);
    // Same browser, direct navigation: straight upstream.
    const again = await firstHop(r, b, clientId);
    expect(again.headers.get('location')).toContain(r.idp.issuer);
    // Same browser, but the navigation comes from another site: the page again.
    const cross = await b.fetch(authorizeUrl(r.base, { clientId, challenge: pkce().challenge, method: 'S256', resource: r.resource }), {
      headers: { 'sec-fetch-site': 'cross-site' },
    });
    expect(new URL(cross.headers.get('location') as string).pathname).toBe('/consent');
    // Another browser: the page.
    const other = await firstHop(r, new Browser({ headers: { 'sec-fetch-site': 'none' } }), clientId);
    expect(new URL(other.headers.get('location') as string).pathname).toBe('/consent');
    // Another client in the same browser: the page.
    const { client_id } = await registerClient(r.base);
    const otherClient = await firstHop(r, b, client_id);
    expect(new URL(otherClient.headers.get('location') as string).pathname).toBe('/consent');
  });
});
