import { createHash, randomBytes } from 'node:crypto';
import { OAuthProxy, type OAuthProxyOptions } from '../../../src/auth/proxy/index.js';
import { createProxyStore } from '../../../src/auth/proxy/store.js';
import { IntrospectionVerifier } from '../../../src/auth/verifiers/introspection.js';
import { createDemoRouter, demoRules } from '../../../src/demo/router.js';
import type { Logger } from '../../../src/log.js';
import type { SecureStore, StorageOptions } from '../../../src/storage/index.js';
import { freePort, startServer, type Started } from '../../helpers/mcp.js';
import { startUpstreamIdp, type UpstreamIdp } from './upstream-idp.js';

export const SCOPES = ['admin', 'notes:read', 'notes:write'];

export interface Stack {
  idp: UpstreamIdp;
  proxy: OAuthProxy;
  server: Started;
  store: SecureStore;
  base: string;
  /** Where this instance listens (equals base unless publicPort was given). */
  direct: string;
  resource: string;
  close(): Promise<void>;
}

export interface StackOptions {
  consent?: OAuthProxyOptions['consent'];
  storage?: StorageOptions;
  store?: SecureStore;
  idp?: UpstreamIdp;
  port?: number;
  upstreamAccessTtl?: number;
  proxy?: Partial<OAuthProxyOptions>;
  /** Base URL host name (127.0.0.1, localhost, or [::1], which also binds ::1). */
  host?: string;
  /** Builds the provider instead of a plain OAuthProxy (providers' end-to-end tests). */
  make?: (common: { baseUrl: string; storage: SecureStore; idp: UpstreamIdp }) => OAuthProxy;
  /** Port of the public base URL when it differs from the listening port (several instances behind one URL). */
  publicPort?: number;
  /** X-Forwarded-For hops the server trusts. */
  trustProxy?: number;
  /** The server's logger (default: silent). */
  logger?: Logger;
}

/** Upstream IdP (no DCR, one confidential client) + the proxy in front of the demo MCP server. */
export const TEST_REDIRECT_POLICY = [
  'http://127.0.0.1:*',
  'http://localhost:*',
  'http://[::1]:*',
  'https://127.0.0.1:*',
  'https://localhost:*',
  'https://*.example',
  'https://*.example:*',
  'https://claude.ai',
  'https://vscode.dev',
];

export async function startStack(o: StackOptions = {}): Promise<Stack> {
  const port = o.port ?? (await freePort());
  const base = `http://${o.host ?? '127.0.0.1'}:${o.publicPort ?? port}`;
  const idp =
    o.idp ??
    (await startUpstreamIdp({
      callbackUrl: `${base}/auth/callback`,
      scopes: SCOPES,
      grantScopes: ['notes:read', 'notes:write'],
      accessTokenTtl: o.upstreamAccessTtl,
    }));
  const store = o.store ?? (await createProxyStore(o.storage ?? { type: 'memory' }));
  const proxy = o.make
    ? o.make({ baseUrl: base, storage: store, idp })
    : new OAuthProxy({
        upstreamAuthorizationEndpoint: idp.authorizationEndpoint,
        upstreamTokenEndpoint: idp.tokenEndpoint,
        upstreamRevocationEndpoint: idp.revocationEndpoint,
        upstreamIssuer: idp.issuer,
        upstreamClientId: idp.clientId,
        upstreamClientSecret: idp.clientSecret,
        tokenVerifier: new IntrospectionVerifier({
          introspectionUrl: idp.introspectionUrl,
          clientId: idp.clientId,
          clientSecret: idp.clientSecret,
          allowInsecureLoopback: true,
        }),
        baseUrl: base,
        upstreamScopes: ['offline_access'],
        consent: o.consent ?? false,
        // consent: false needs an explicit redirect policy; this one is as wide as the default
        // (loopback, and the https test hosts) so tests keep exercising exact registration matching.
        ...((o.consent ?? false) === false ? { allowedClientRedirectUris: TEST_REDIRECT_POLICY } : {}),
        storage: store,
        allowInsecureLoopback: true,
        // Attack tests fire many requests from one address; rate limits have their own test.
        rateLimits: false,
        ...o.proxy,
      });
  const server = await startServer({
    name: 'proxy-test',
    version: '1',
    router: createDemoRouter(),
    rules: demoRules,
    auth: proxy,
    ...(o.logger ? { logger: o.logger } : {}),
    http: {
      port,
      ...(o.trustProxy ? { trustProxy: o.trustProxy } : {}),
      ...(o.host === 'localhost' || o.host === '[::1]' || o.publicPort ? { baseUrl: base } : {}),
      ...(o.host === '[::1]' ? { host: '::1' } : {}),
    },
  });
  return {
    idp,
    proxy,
    server,
    store,
    base,
    direct: `http://127.0.0.1:${port}`,
    resource: `${base}/mcp`,
    async close() {
      await server.close();
      if (!o.idp) await idp.close();
      if (!o.store) await store.close();
    },
  };
}

export function pkce(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

export const CLIENT_REDIRECT = 'http://127.0.0.1:53682/callback';

export async function registerClient(
  base: string,
  body: Record<string, unknown> = {},
): Promise<{ client_id: string; client_secret?: string } & Record<string, unknown>> {
  const res = await fetch(`${base}/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ redirect_uris: [CLIENT_REDIRECT], client_name: 'test client', ...body }),
  });
  if (res.status !== 201) throw new Error(`register failed: ${res.status} ${await res.text()}`);
  return (await res.json()) as { client_id: string };
}

/** A cookie-keeping browser stand-in that follows redirects and can submit the consent form. */
export class Browser {
  readonly jar = new Map<string, string>();
  constructor(private readonly opts: { consent?: 'approve' | 'deny'; headers?: Record<string, string> } = {}) {}

  cookieHeader(): string {
    return [...this.jar].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  store(res: Response): void {
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const eq = (pair ?? '').indexOf('=');
      if (eq <= 0) continue;
      const name = (pair as string).slice(0, eq);
      const value = (pair as string).slice(eq + 1);
      if (/max-age=0/i.test(c)) this.jar.delete(name);
      else this.jar.set(name, value);
    }
  }

  async fetch(url: string, init: RequestInit = {}): Promise<Response> {
    const res = await fetch(url, {
      ...init,
      redirect: 'manual',
      headers: { ...this.opts.headers, ...(init.headers as Record<string, string>), cookie: this.cookieHeader() },
    });
    this.store(res);
    return res;
  }

  /** Follows redirects until `stopAt` (prefix). Consent pages are answered per `opts.consent`. Returns the final URL or the response that stopped it. */
  async run(
    start: string,
    stopAt: string,
    hooks: { beforeCallback?: (b: Browser, url: string) => void } = {},
  ): Promise<{ url: URL } | { stopped: Response; body: string }> {
    let url = start;
    let init: RequestInit = {};
    for (let hop = 0; hop < 25; hop++) {
      if (url.startsWith(stopAt)) return { url: new URL(url) };
      if (url.includes('/auth/callback')) hooks.beforeCallback?.(this, url);
      const res = await this.fetch(url, init);
      init = {};
      const location = res.headers.get('location');
      if (location) {
        url = new URL(location, url).href;
        continue;
      }
      const body = await res.text();
      if (res.status === 200 && this.opts.consent && body.includes('name="csrf"')) {
        const form = consentForm(body);
        form.set('action', this.opts.consent);
        init = {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded', 'sec-fetch-site': 'same-origin' },
          body: form.toString(),
        };
        url = new URL(form.get('__action') ?? '/consent', url).href;
        form.delete('__action');
        init.body = form.toString();
        continue;
      }
      return { stopped: res, body };
    }
    throw new Error('too many redirects');
  }
}

export function consentForm(html: string): URLSearchParams {
  const form = new URLSearchParams();
  for (const m of html.matchAll(/<input type="hidden" name="([a-z]+)" value="([^"]*)">/g))
    form.set(m[1] as string, unescape(m[2] as string));
  const action = /<form method="post" action="([^"]+)"/.exec(html);
  if (action) form.set('__action', unescape(action[1] as string));
  return form;
}

function unescape(s: string): string {
  return s.replace(/&#(\d+);/g, (_, n: string) => String.fromCharCode(Number(n)));
}

export interface AuthorizeParams {
  clientId: string;
  redirectUri?: string;
  challenge?: string | undefined;
  method?: string | undefined;
  state?: string;
  scope?: string;
  resource?: string;
  extra?: Record<string, string>;
}

export function authorizeUrl(base: string, p: AuthorizeParams): string {
  const u = new URL(`${base}/authorize`);
  u.searchParams.set('response_type', 'code');
  u.searchParams.set('client_id', p.clientId);
  u.searchParams.set('redirect_uri', p.redirectUri ?? CLIENT_REDIRECT);
  if (p.challenge !== undefined) u.searchParams.set('code_challenge', p.challenge);
  if (p.method !== undefined) u.searchParams.set('code_challenge_method', p.method);
  u.searchParams.set('state', p.state ?? 'client-state-123');
  if (p.scope !== undefined) u.searchParams.set('scope', p.scope);
  u.searchParams.set('resource', p.resource ?? '');
  for (const [k, v] of Object.entries(p.extra ?? {})) u.searchParams.set(k, v);
  return u.href;
}

/** Full headless authorization: returns the client callback's query (code, state, iss). */
export async function authorizeCode(
  stack: Stack,
  clientId: string,
  challenge: string,
  opts: Partial<AuthorizeParams> & { browser?: Browser } = {},
): Promise<URLSearchParams> {
  const browser = opts.browser ?? new Browser({ consent: 'approve' });
  const r = await browser.run(
    authorizeUrl(stack.base, { clientId, challenge, method: 'S256', resource: stack.resource, ...opts }),
    opts.redirectUri ?? CLIENT_REDIRECT,
  );
  if (!('url' in r)) throw new Error(`authorization stopped at ${r.stopped.status}: ${r.body.slice(0, 300)}`);
  return r.url.searchParams;
}

export async function tokenRequest(
  base: string,
  form: Record<string, string>,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${base}/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(form).toString(),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

/** register → authorize → code exchange. */
export async function fullFlow(
  stack: Stack,
  opts: { clientId?: string; scope?: string } = {},
): Promise<{ clientId: string; tokens: Record<string, unknown> }> {
  const clientId = opts.clientId ?? (await registerClient(stack.base)).client_id;
  const { verifier, challenge } = pkce();
  const q = await authorizeCode(stack, clientId, challenge, opts.scope ? { scope: opts.scope } : {});
  const code = q.get('code');
  if (!code) throw new Error(`no code: ${q.toString()}`);
  const t = await tokenRequest(stack.base, {
    grant_type: 'authorization_code',
    code,
    code_verifier: verifier,
    client_id: clientId,
    redirect_uri: CLIENT_REDIRECT,
    resource: stack.resource,
  });
  if (t.status !== 200) throw new Error(`token failed ${t.status} ${JSON.stringify(t.body)}`);
  return { clientId, tokens: t.body };
}
