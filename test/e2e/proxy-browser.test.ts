import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser as PwBrowser, type BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  Browser as HeadlessBrowser,
  authorizeUrl,
  pkce,
  registerClient,
  startStack,
  tokenRequest,
  type Stack,
} from '../auth/proxy/harness.js';

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** The MCP client's side: its redirect page, and an attacker page that frames the consent page. */
async function startClientSite(): Promise<{ origin: string; framePage(url: string): string; close(): Promise<void> }> {
  const frames = new Map<string, string>();
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname === '/callback') {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end(`<!doctype html><title>client callback</title><p id="done">code received</p>`);
      return;
    }
    const target = frames.get(url.pathname);
    if (target) {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end(
        `<!doctype html><title>evil</title><h1>Win a prize</h1><iframe id="victim" src="${target}" width="800" height="600"></iframe>`,
      );
      return;
    }
    res.writeHead(404);
    res.end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    framePage(url) {
      const path = `/frame-${frames.size}.html`;
      frames.set(path, url);
      return `${origin}${path}`;
    },
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

describe('consent page in a real browser (headless Chromium)', () => {
  let s: Stack;
  let site: Awaited<ReturnType<typeof startClientSite>>;
  let browser: PwBrowser;
  let clientId: string;
  let redirectUri: string;

  beforeAll(async () => {
    s = await startStack({ consent: 'always' });
    site = await startClientSite();
    redirectUri = `${site.origin}/callback`;
    clientId = (await registerClient(s.base, { redirect_uris: [redirectUri], client_name: 'Claude <Desktop> & "friends"' })).client_id;
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
  });
  afterAll(async () => {
    await browser?.close();
    await site?.close();
    await s?.close();
  });

  const startUrl = (challenge: string, state = 'browser-state') =>
    authorizeUrl(s.base, {
      clientId,
      redirectUri,
      challenge,
      method: 'S256',
      state,
      resource: s.resource,
      scope: 'notes:read notes:write',
    });

  async function fresh(): Promise<BrowserContext> {
    return browser.newContext();
  }

  it('shows client, redirect host and scopes (escaped), and approving completes the flow to the client', async () => {
    const ctx = await fresh();
    const page = await ctx.newPage();
    const { verifier, challenge } = pkce();
    const res = await page.goto(startUrl(challenge));
    expect(res?.status()).toBe(200);
    expect(page.url()).toContain('/consent?txn=');
    const headers = res?.headers() ?? {};
    expect(headers['x-frame-options']).toBe('DENY');
    expect(headers['content-security-policy']).toMatch(/default-src 'none'/);
    expect(headers['content-security-policy']).toMatch(/frame-ancestors 'none'/);
    expect(headers['content-security-policy']).toMatch(/form-action 'self'/);
    expect(await page.textContent('h1')).toContain('Claude <Desktop> & "friends"');
    expect(await page.textContent('#redirect-host')).toBe(new URL(site.origin).host);
    expect(await page.textContent('#scopes')).toContain('notes:write');
    await page.screenshot({ path: '/tmp/mcp-bastion-consent.png', fullPage: true });

    await page.click('#approve');
    await page.waitForURL(`${redirectUri}**`);
    // The binding cookie (set on approval, checked at the callback) was kept by Chromium on http://127.0.0.1.
    const q = new URL(page.url()).searchParams;
    expect(q.get('state')).toBe('browser-state');
    expect(q.get('iss')).toBe(s.base);
    const t = await tokenRequest(s.base, {
      grant_type: 'authorization_code',
      code: q.get('code') as string,
      code_verifier: verifier,
      client_id: clientId,
      redirect_uri: redirectUri,
    });
    expect(t.status).toBe(200);
    await ctx.close();
  });

  it('on http://127.0.0.1 Chromium stores the development cookies (HttpOnly, SameSite=Lax, Path=/, not Secure, no __Host-)', async () => {
    const ctx = await fresh();
    const page = await ctx.newPage();
    await page.goto(startUrl(pkce().challenge));
    const cookies = await ctx.cookies(s.base);
    const csrf = cookies.find((c) => c.name.startsWith('mcpb-csrf-'));
    expect(csrf).toMatchObject({ secure: false, httpOnly: true, sameSite: 'Lax', path: '/', domain: '127.0.0.1' });
    expect(cookies.filter((c) => c.name.startsWith('__Host-'))).toEqual([]);
    await ctx.close();
  });

  it('a forged CSRF token on the consent form is rejected (403)', async () => {
    const ctx = await fresh();
    const page = await ctx.newPage();
    await page.goto(startUrl(pkce().challenge));
    await page.evaluate(() => {
      const input = document.querySelector('input[name="csrf"]') as HTMLInputElement;
      input.value = 'forged-token-forged-token-forged-token-0000';
    });
    const [response] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith('/consent') && r.request().method() === 'POST'),
      page.click('#approve'),
    ]);
    expect(response.status()).toBe(403);
    expect(await page.textContent('h1')).toContain('Request refused');
    await ctx.close();
  });

  it('reloading the consent page keeps both renders valid (per-render CSRF cookies)', async () => {
    const ctx = await fresh();
    const first = await ctx.newPage();
    await first.goto(startUrl(pkce().challenge));
    const consentUrl = first.url();
    const second = await ctx.newPage();
    await second.goto(consentUrl);
    // Approving on the FIRST render still works after a second render of the same page.
    await first.click('#approve');
    await first.waitForURL(`${redirectUri}**`);
    expect(new URL(first.url()).searchParams.get('code')).toBeTruthy();
    await ctx.close();
  });

  it("a callback arriving in a browser without the binding cookie gets 403 (an attacker's callback link opened by a victim)", async () => {
    // The attacker approves in their own browser and stops right before the callback...
    const attacker = new HeadlessBrowser({ consent: 'approve' });
    const r = await attacker.run(startUrl(pkce().challenge), `${s.base}/auth/callback`);
    if (!('url' in r)) throw new Error('attacker did not reach the callback');
    // ...and lures the victim's real browser to it: the victim has no binding cookie for this flow.
    const victim = await fresh();
    const page = await victim.newPage();
    const res = await page.goto(r.url.href);
    expect(res?.status()).toBe(403);
    expect(await page.textContent('h1')).toContain('Sign-in refused');
    expect(page.url()).not.toContain(redirectUri);
    await victim.close();
  });

  it('denying sends access_denied to the client', async () => {
    const ctx = await fresh();
    const page = await ctx.newPage();
    await page.goto(startUrl(pkce().challenge, 'deny-state'));
    await page.click('#deny');
    await page.waitForURL(`${redirectUri}**`);
    const q = new URL(page.url()).searchParams;
    expect(q.get('error')).toBe('access_denied');
    expect(q.get('state')).toBe('deny-state');
    expect(q.get('code')).toBeNull();
    await ctx.close();
  });

  it('framing the consent page is blocked (the frame does not render the form)', async () => {
    const ctx = await fresh();
    const probe = await ctx.newPage();
    await probe.goto(startUrl(pkce().challenge));
    const consentUrl = probe.url();
    await probe.close();
    const page = await ctx.newPage();
    await page.goto(site.framePage(consentUrl));
    await page.waitForTimeout(500);
    const frame = page.frames().find((f) => f !== page.mainFrame());
    expect(frame).toBeDefined();
    const approve = await frame?.$('#approve').catch(() => null);
    expect(approve ?? null).toBeNull();
    expect(await frame?.evaluate(() => document.body?.innerText ?? '').catch(() => '')).not.toContain('wants to access');
    await page.screenshot({ path: '/tmp/mcp-bastion-framed.png' });
    await ctx.close();
  });
});
