import { resolve } from 'node:path';
import type { McpServerOptions } from '../server/create.js';
import { resolveHttpConfig, type HttpOptions } from '../config.js';
import { envString } from '../env.js';
import type { Logger } from '../log.js';
import { authFromEnv } from '../auth/env-provider.js';
import { JwtVerifier } from '../auth/verifiers/jwt.js';
import { tokenAuth, type AuthProvider } from '../auth/resource-server.js';
import { loadOrCreateKeyPair } from '../testing/keys.js';
import { mintToken } from '../testing/mint.js';
import { createDemoRouter, demoRules } from './router.js';

export const DEMO_ISSUER = 'mcp-bastion-demo';

/** The public base URL the demo will answer on (the resource URL tokens are bound to). */
export function demoBaseUrl(http: HttpOptions, env: NodeJS.ProcessEnv = process.env): string {
  const c = resolveHttpConfig(http, env);
  if (c.baseUrl) return c.baseUrl.href.replace(/\/$/, '');
  const host = c.host === '0.0.0.0' || c.host === '::' ? '127.0.0.1' : c.host.includes(':') ? `[${c.host}]` : c.host;
  return `http://${host}:${c.port}`;
}

/**
 * The options `mcp-bastion serve` uses without --config. With MCP_BASTION_AUTH unset the demo
 * runs with JWT auth on a key pair it keeps under `.mcp-bastion/keys`, and prints tokens.
 */
export async function demoOptions(
  http: HttpOptions,
  logger: Logger,
): Promise<{ options: McpServerOptions; banner?: (url: string) => string }> {
  const base = demoBaseUrl(http);
  const resourceUrl = `${base}/mcp`;
  const options: McpServerOptions = {
    name: 'mcp-bastion-demo',
    version: '0.1.0',
    instructions: 'A notes service. Use notes_add to store a note and notes_list to read them back.',
    router: createDemoRouter(),
    rules: demoRules,
  };
  if (envString(process.env, 'MCP_BASTION_AUTH') !== undefined) {
    const auth = await authFromEnv(process.env, { resourceUrl, logger });
    return {
      options: { ...options, ...(auth ? { auth } : {}) },
      banner: (url) => `\nmcp-bastion demo: MCP at ${url}/mcp, tRPC at ${url}/trpc (auth: ${process.env.MCP_BASTION_AUTH})\n`,
    };
  }

  const dir = resolve(envString(process.env, 'MCP_BASTION_KEY_DIR') ?? '.mcp-bastion/keys');
  const { keyPair, created } = await loadOrCreateKeyPair(dir);
  const verifier = new JwtVerifier({ publicKey: keyPair.publicJwk, algorithms: [keyPair.alg], issuer: DEMO_ISSUER, audience: resourceUrl });
  const auth: AuthProvider = tokenAuth(verifier, { authorizationServers: [] });
  const mint = (sub: string, scope: string) =>
    mintToken(keyPair, { sub, scope, aud: resourceUrl, iss: DEMO_ISSUER, ttlSeconds: 8 * 3600, claims: { client_id: 'demo-cli' } });
  const readWrite = await mint('alice', 'notes:read notes:write');
  const readOnly = await mint('bob', 'notes:read');
  const banner = (url: string) =>
    [
      '',
      `mcp-bastion demo: MCP at ${url}/mcp, tRPC at ${url}/trpc`,
      `JWT auth with the key pair in ${dir}${created ? ' (created now)' : ''}; tokens are bound to ${resourceUrl} and last 8 hours.`,
      '',
      'Read-write user (alice, scopes notes:read notes:write):',
      `  export TOKEN=${readWrite}`,
      'Read-only user (bob, scope notes:read):',
      `  export TOKEN_RO=${readOnly}`,
      '',
      'Call a tool (MCP 2026-07-28, one request, no session):',
      `  curl -s ${url}/mcp -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \\`,
      `    -H 'Accept: application/json, text/event-stream' -H 'MCP-Protocol-Version: 2026-07-28' -H 'Mcp-Method: tools/call' -H 'Mcp-Name: notes_add' \\`,
      `    -d '{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"notes_add","arguments":{"text":"hello"},"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientInfo":{"name":"curl","version":"1"},"io.modelcontextprotocol/clientCapabilities":{}}}}'`,
      'Or over tRPC:',
      `  curl -s ${url}/trpc/notes.list -H "Authorization: Bearer $TOKEN_RO"`,
      '',
    ].join('\n');
  return { options: { ...options, auth }, banner };
}
