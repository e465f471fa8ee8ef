/**
 * OAuth proxy benchmark: token-endpoint throughput (code exchange, refresh) and the proxy's own
 * latency for a whole authorization flow, with the upstream replaced by an in-process instant
 * responder (so the figures are the proxy's cost, not a network's). Memory store, in-process
 * requests through the server's fetch handler.
 *   node --import tsx bench/proxy.ts
 */
import { createHash, randomBytes } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { OAuthProxy, createProxyStore } from '../src/auth/proxy/index.js';
import type { Principal, TokenVerifier } from '../src/auth/principal.js';
import { createDemoRouter, demoRules } from '../src/demo/router.js';
import { createLogger } from '../src/log.js';
import { createMcpServer } from '../src/server/create.js';

const BASE = 'http://127.0.0.1:7070';
const REDIRECT = 'http://127.0.0.1:53682/callback';

/** The upstream token endpoint, answering at once. */
const instantUpstream = async (): Promise<Response> =>
  new Response(
    JSON.stringify({
      access_token: randomBytes(24).toString('base64url'),
      token_type: 'bearer',
      expires_in: 3600,
      refresh_token: randomBytes(24).toString('base64url'),
      scope: 'notes:read notes:write',
    }),
    {
      status: 200,
      headers: { 'content-type': 'application/json' },
    },
  );

const acceptAll: TokenVerifier = {
  checksAudience: false,
  requiredScopes: [],
  verify: async (): Promise<Principal> => ({ kind: 'token', subject: 'bench-user', scopes: [], claims: {} }),
};

function pkce(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

async function pool<T>(items: T[], concurrency: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < items.length) await fn(items[next++] as T);
    }),
  );
}

export async function benchProxy(
  opts: { flows?: number; concurrency?: number } = {},
): Promise<{ codeExchangePerSec: number; refreshPerSec: number; flowMsP50: number }> {
  const flows = opts.flows ?? 300;
  const concurrency = opts.concurrency ?? 10;
  const storage = await createProxyStore({ type: 'memory' });
  const proxy = new OAuthProxy({
    upstreamAuthorizationEndpoint: 'https://upstream.invalid/authorize',
    upstreamTokenEndpoint: 'https://upstream.invalid/token',
    upstreamClientId: 'bench',
    upstreamClientSecret: 'bench-secret',
    tokenVerifier: acceptAll,
    baseUrl: BASE,
    consent: false,
    allowedClientRedirectUris: ['http://127.0.0.1:*'],
    storage,
    allowInsecureLoopback: true,
    upstreamFetch: instantUpstream,
  });
  const server = createMcpServer({
    name: 'bench',
    version: '1',
    router: createDemoRouter(),
    rules: demoRules,
    auth: proxy,
    http: { port: 7070 },
    logger: createLogger({ level: 'silent' }),
  });
  const call = (path: string, init: RequestInit = {}) =>
    server.fetch(
      new Request(`${BASE}${path}`, { ...init, headers: { host: '127.0.0.1:7070', ...(init.headers as Record<string, string>) } }),
    );
  const form = (body: Record<string, string>) => ({
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(body).toString(),
  });

  try {
    const reg = await call('/register', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ redirect_uris: [REDIRECT] }),
    });
    const { client_id } = (await reg.json()) as { client_id: string };

    /** /authorize → (upstream, skipped) → callback with the binding cookie → our code. */
    const toCode = async (): Promise<{ code: string; verifier: string }> => {
      const { verifier, challenge } = pkce();
      const q = new URLSearchParams({
        response_type: 'code',
        client_id,
        redirect_uri: REDIRECT,
        code_challenge: challenge,
        code_challenge_method: 'S256',
        state: 's',
        resource: `${BASE}/mcp`,
      });
      const a = await call(`/authorize?${q.toString()}`);
      const upstream = new URL(a.headers.get('location') as string);
      const cookie = (a.headers.getSetCookie()[0] ?? '').split(';')[0] as string;
      const cb = await call(`/auth/callback?code=upstream-code&state=${encodeURIComponent(upstream.searchParams.get('state') as string)}`, {
        headers: { cookie },
      });
      const code = new URL(cb.headers.get('location') as string).searchParams.get('code');
      if (!code) throw new Error(`no code: ${cb.status} ${cb.headers.get('location') ?? ''}`);
      return { code, verifier };
    };
    const exchange = async (c: { code: string; verifier: string }) => {
      const res = await call(
        '/token',
        form({ grant_type: 'authorization_code', code: c.code, code_verifier: c.verifier, client_id, redirect_uri: REDIRECT }),
      );
      if (res.status !== 200) throw new Error(`exchange failed: ${res.status}`);
      return (await res.json()) as { refresh_token: string };
    };

    // Warm-up (JIT, key loading).
    for (let i = 0; i < 20; i++) await exchange(await toCode());

    const flowMs: number[] = [];
    for (let i = 0; i < Math.min(flows, 200); i++) {
      const t0 = performance.now();
      await exchange(await toCode());
      flowMs.push(performance.now() - t0);
    }

    const codes: { code: string; verifier: string }[] = [];
    for (let i = 0; i < flows; i++) codes.push(await toCode());
    const refreshTokens: string[] = [];
    let t0 = performance.now();
    await pool(codes, concurrency, async (c) => {
      refreshTokens.push((await exchange(c)).refresh_token);
    });
    const codeExchangePerSec = flows / ((performance.now() - t0) / 1000);

    t0 = performance.now();
    await pool(refreshTokens, concurrency, async (rt) => {
      const res = await call('/token', form({ grant_type: 'refresh_token', refresh_token: rt, client_id }));
      if (res.status !== 200) throw new Error(`refresh failed: ${res.status}`);
      await res.arrayBuffer();
    });
    const refreshPerSec = refreshTokens.length / ((performance.now() - t0) / 1000);
    return { codeExchangePerSec, refreshPerSec, flowMsP50: percentile(flowMs, 50) };
  } finally {
    await server.close();
    await storage.close();
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const r = await benchProxy();
  console.log('## OAuth proxy (memory store, in-process, instant upstream stub)');
  console.log('| metric | value |');
  console.log('|---|---|');
  console.log(`| code exchange (POST /token) | ${r.codeExchangePerSec.toFixed(0)} /s |`);
  console.log(`| refresh with rotation (POST /token) | ${r.refreshPerSec.toFixed(0)} /s |`);
  console.log(`| whole flow p50 (authorize → callback → token), proxy only | ${r.flowMsP50.toFixed(2)} ms |`);
}
