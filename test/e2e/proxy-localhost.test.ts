import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { decodeJwt } from 'jose';
import { chromium, type Browser as PwBrowser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authFromEnv } from '../../src/auth/env-provider.js';
import { ConfigError } from '../../src/errors.js';
import { createLogger } from '../../src/log.js';
import {
  Browser as HeadlessBrowser,
  authorizeUrl,
  consentForm,
  pkce,
  registerClient,
  startStack,
  tokenRequest,
  type Stack,
} from '../auth/proxy/harness.js';
import { connectClient, freePort } from '../helpers/mcp.js';

const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'];
const ROOT = resolve(import.meta.dirname, '../..');
const CLI = [join(ROOT, 'node_modules/tsx/dist/cli.mjs'), join(ROOT, 'src/cli/main.ts')];

/** The MCP client's redirect page. */
async function startClientSite(): Promise<{ origin: string; close(): Promise<void> }> {
  const server: Server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end('<!doctype html><title>client callback</title><p id="done">code received</p>');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

describe('OAuth proxy on an http://localhost base URL (development), in headless Chromium against oidc-provider', () => {
  let s: Stack;
  let site: Awaited<ReturnType<typeof startClientSite>>;
  let browser: PwBrowser;
  let redirectUri: string;
  let clientId: string;
  const logLines: Record<string, unknown>[] = [];

  beforeAll(async () => {
    const logger = createLogger({ level: 'warn', destination: { write: (line: string) => void logLines.push(JSON.parse(line)) } });
    // The server binds 127.0.0.1 (binding "localhost" is refused); its public base URL is http://localhost:PORT.
    s = await startStack({ host: 'localhost', consent: 'always', logger });
    site = await startClientSite();
    redirectUri = `${site.origin}/callback`;
    clientId = (await registerClient(s.base, { redirect_uris: [redirectUri], client_name: 'Local dev client' })).client_id;
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
  });
  afterAll(async () => {
    await browser?.close();
    await site?.close();
    await s?.close();
  });

  const startUrl = (challenge: string) =>
    authorizeUrl(s.base, {
      clientId,
      redirectUri,
      challenge,
      method: 'S256',
      state: 'local-state',
      resource: s.resource,
      scope: 'notes:read',
    });

  it('the whole flow works: consent page, upstream sign-in, callback, code exchange, then tools over MCP', async () => {
    expect(s.base).toMatch(/^http:\/\/localhost:\d+$/);
    const ctx = await browser.newContext();
    const page = await ctx.newPage();
    const { verifier, challenge } = pkce();
    const res = await page.goto(startUrl(challenge));
    expect(res?.status()).toBe(200);
    expect(page.url()).toMatch(new RegExp(`^${s.base}/consent\\?txn=`));

    // Chromium stored the consent cookie: not Secure, no __Host- prefix, but HttpOnly, SameSite=Lax, Path=/.
    const cookies = await ctx.cookies(s.base);
    const csrf = cookies.find((c) => c.name.startsWith('mcpb-csrf-'));
    expect(csrf).toMatchObject({ secure: false, httpOnly: true, sameSite: 'Lax', path: '/', domain: 'localhost' });
    expect(cookies.filter((c) => c.name.startsWith('__Host-'))).toEqual([]);

    await page.click('#approve');
    await page.waitForURL(`${redirectUri}**`);
    const q = new URL(page.url()).searchParams;
    expect(q.get('state')).toBe('local-state');
    expect(q.get('iss')).toBe(s.base);
    // The binding cookie did its job at the callback and was cleared there.
    expect((await ctx.cookies(s.base)).filter((c) => c.name.startsWith('mcpb-bind-'))).toEqual([]);

    const t = await tokenRequest(s.base, {
      grant_type: 'authorization_code',
      code: q.get('code') as string,
      code_verifier: verifier,
      client_id: clientId,
      redirect_uri: redirectUri,
    });
    expect(t.status).toBe(200);
    const access = t.body.access_token as string;
    expect(decodeJwt(access)).toMatchObject({ iss: s.base, aud: `${s.base}/mcp`, sub: 'alice', scope: 'notes:read' });

    const client = await connectClient(s.base, '2026-07-28', { authorization: `Bearer ${access}` });
    const who = await client.callTool({ name: 'whoami', arguments: {} });
    expect(who.structuredContent).toMatchObject({ subject: 'alice', clientId, scopes: ['notes:read'] });
    expect((await client.callTool({ name: 'notes_list', arguments: {} })).isError).toBeFalsy();
    await client.close();
    await ctx.close();
  });

  it("a victim's browser without the (non-__Host-) binding cookie still gets 403 at the attacker's callback link", async () => {
    const attacker = new HeadlessBrowser({ consent: 'approve' });
    const r = await attacker.run(startUrl(pkce().challenge), `${s.base}/auth/callback`);
    if (!('url' in r)) throw new Error('attacker did not reach the callback');
    const victim = await browser.newContext();
    const page = await victim.newPage();
    const res = await page.goto(r.url.href);
    expect(res?.status()).toBe(403);
    expect(await page.textContent('h1')).toContain('Sign-in refused');
    await victim.close();
  });

  it('a forged binding cookie planted in the browser does not pass the callback either', async () => {
    const attacker = new HeadlessBrowser({ consent: 'approve' });
    const r = await attacker.run(startUrl(pkce().challenge), `${s.base}/auth/callback`);
    if (!('url' in r)) throw new Error('attacker did not reach the callback');
    const [name] = [...attacker.jar.keys()].filter((k) => k.startsWith('mcpb-bind-'));
    expect(name).toBeDefined();
    const victim = await browser.newContext();
    // Without Secure or __Host-, anything on localhost could set a cookie of that name: only our signature counts.
    await victim.addCookies([{ name: name as string, value: 'forged.value', domain: 'localhost', path: '/' }]);
    const page = await victim.newPage();
    expect((await page.goto(r.url.href))?.status()).toBe(403);
    await victim.close();
  });

  it('the plain-http warning was logged exactly once, naming the URL', () => {
    const warnings = logLines.filter((l) => l.event === 'oauth_proxy_insecure_base_url');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]?.baseUrl).toBe(s.base);
    expect(String(warnings[0]?.msg)).toContain(s.base);
  });
});

describe('OAuth proxy on an http://[::1] base URL, in headless Chromium', () => {
  let s: Stack;
  let site: Awaited<ReturnType<typeof startClientSite>>;
  let browser: PwBrowser;
  beforeAll(async () => {
    s = await startStack({ host: '[::1]', consent: 'always' });
    site = await startClientSite();
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
  });
  afterAll(async () => {
    await browser?.close();
    await site?.close();
    await s?.close();
  });

  it('consent, upstream sign-in and callback complete, with the development cookies on [::1]', async () => {
    expect(s.base).toMatch(/^http:\/\/\[::1\]:\d+$/);
    const redirectUri = `${site.origin}/callback`;
    const clientId = (await registerClient(s.base, { redirect_uris: [redirectUri] })).client_id;
    const ctx = await browser.newContext();
    const page = await ctx.newPage();
    const { verifier, challenge } = pkce();
    await page.goto(authorizeUrl(s.base, { clientId, redirectUri, challenge, method: 'S256', resource: s.resource, scope: 'notes:read' }));
    expect((await ctx.cookies(s.base)).find((c) => c.name.startsWith('mcpb-csrf-'))).toMatchObject({ secure: false, httpOnly: true });
    await page.click('#approve');
    await page.waitForURL(`${redirectUri}**`);
    const q = new URL(page.url()).searchParams;
    expect(q.get('iss')).toBe(s.base);
    const t = await tokenRequest(s.base, {
      grant_type: 'authorization_code',
      code: q.get('code') as string,
      code_verifier: verifier,
      client_id: clientId,
      redirect_uri: redirectUri,
    });
    expect(t.status).toBe(200);
    expect(decodeJwt(t.body.access_token as string).iss).toBe(s.base);
    await ctx.close();
  });
});

/** `mcp-bastion serve` with the README's environment; resolves with stderr once it listens, or the exit code. */
function serve(env: Record<string, string>, port: number): Promise<{ stderr: string; code?: number; stop(): void }> {
  const cwd = mkdtempSync(join(tmpdir(), 'bastion-gh-local-'));
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [...CLI, 'serve', '--port', String(port)], { cwd, env: { ...process.env, ...env } });
    let stderr = '';
    const timer = setTimeout(() => reject(new Error(`server did not start: ${stderr}`)), 20_000);
    child.stderr.on('data', (c: Buffer) => {
      stderr += c.toString();
      if (stderr.includes('mcp-bastion listening') && stderr.includes('tRPC at')) {
        clearTimeout(timer);
        resolvePromise({ stderr, stop: () => child.kill() });
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolvePromise({ stderr, code: code ?? -1, stop: () => undefined });
    });
  });
}

const GITHUB_ENV = {
  MCP_BASTION_AUTH: 'github',
  GITHUB_CLIENT_ID: 'Iv1.localdevclient',
  GITHUB_CLIENT_SECRET: 'local-dev-secret-0123456789',
};

describe('the README steps: MCP_BASTION_AUTH=github with MCP_BASTION_BASE_URL=http://localhost:PORT', () => {
  it('starts, warns once, and sends the browser to GitHub with the http://localhost callback', async () => {
    const port = await freePort();
    const base = `http://localhost:${port}`;
    const run = await serve({ ...GITHUB_ENV, MCP_BASTION_BASE_URL: base }, port);
    try {
      expect(run.code).toBeUndefined();
      expect(run.stderr.split('\n').filter((l) => l.includes('oauth_proxy_insecure_base_url'))).toHaveLength(1);
      expect(run.stderr).toContain(`OAuth proxy on plain http (${base})`);
      const meta = (await (await fetch(`${base}/.well-known/oauth-authorization-server`)).json()) as Record<string, unknown>;
      expect(meta).toMatchObject({ issuer: base, authorization_endpoint: `${base}/authorize` });

      const client = await registerClient(base, { redirect_uris: ['http://127.0.0.1:53682/callback'] });
      const authorize = await fetch(
        authorizeUrl(base, { clientId: client.client_id, challenge: pkce().challenge, method: 'S256', resource: `${base}/mcp` }),
        { redirect: 'manual' },
      );
      expect(authorize.status).toBe(302);
      const consentUrl = new URL(authorize.headers.get('location') as string, base);
      expect(consentUrl.origin + consentUrl.pathname).toBe(`${base}/consent`);
      const consent = await fetch(consentUrl, { redirect: 'manual' });
      expect(consent.status).toBe(200);
      const setCookies = consent.headers.getSetCookie();
      expect(setCookies.some((c) => c.startsWith('mcpb-csrf-') && !/;\s*Secure/i.test(c) && /HttpOnly/.test(c))).toBe(true);
      const form = consentForm(await consent.text());
      form.delete('__action');
      form.set('action', 'approve');
      const approved = await fetch(`${base}/consent`, {
        method: 'POST',
        redirect: 'manual',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'sec-fetch-site': 'same-origin',
          cookie: setCookies.map((c) => c.split(';')[0]).join('; '),
        },
        body: form.toString(),
      });
      expect(approved.status).toBe(303);
      const github = new URL(approved.headers.get('location') as string);
      expect(github.origin + github.pathname).toBe('https://github.com/login/oauth/authorize');
      expect(github.searchParams.get('redirect_uri')).toBe(`${base}/auth/callback`);
      expect(github.searchParams.get('client_id')).toBe(GITHUB_ENV.GITHUB_CLIENT_ID);
    } finally {
      run.stop();
    }
  });

  it.each(['http://example.com', 'http://127.0.0.1.nip.io:3000', 'http://10.0.0.1:3000'])(
    'MCP_BASTION_BASE_URL=%s is refused at start (exit 2) naming the variable',
    async (url) => {
      const run = await serve({ ...GITHUB_ENV, MCP_BASTION_BASE_URL: url }, await freePort());
      expect(run.code).toBe(2);
      expect(run.stderr).toContain('MCP_BASTION_BASE_URL');
      expect(run.stderr).toMatch(/must use https/);
    },
  );

  it('authFromEnv refuses a non-loopback http resource URL with a ConfigError naming MCP_BASTION_BASE_URL', async () => {
    const logger = createLogger({ level: 'silent' });
    for (const resourceUrl of ['http://example.com/mcp', 'http://10.0.0.1:3000/mcp', 'http://127.0.0.1.nip.io:3000/mcp']) {
      const err = await authFromEnv(GITHUB_ENV, { resourceUrl, logger }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ConfigError);
      expect((err as ConfigError).option).toBe('MCP_BASTION_BASE_URL');
    }
  });
});
