import type { Logger } from '../log.js';
import { envString } from '../env.js';
import { requireHttpsUnlessLoopback } from '../net/url-policy.js';
import { verifierFromEnv } from './verifiers/from-env.js';
import { RemoteAuthProvider } from './remote.js';
import { tokenAuth, type AuthProvider } from './resource-server.js';
import { PROXY_AUTH_KINDS, proxyFromEnv } from './proxy/from-env.js';
import { createProxyStore } from './proxy/store.js';

/**
 * Auth for `mcp-bastion serve` from MCP_BASTION_AUTH and friends: a token verifier
 * (`static`, `jwt`, `introspection`, `remote`) or an OAuth proxy (`github`, `google`, `azure`,
 * `oidc`, whose state goes to the store configured by MCP_BASTION_STORAGE*). Undefined for `none`.
 */
export async function authFromEnv(
  env: NodeJS.ProcessEnv,
  opts: { resourceUrl: string; logger: Logger },
): Promise<AuthProvider | undefined> {
  const mode = envString(env, 'MCP_BASTION_AUTH')?.toLowerCase() ?? '';
  if ((PROXY_AUTH_KINDS as readonly string[]).includes(mode)) {
    const baseUrl = opts.resourceUrl.replace(/\/mcp$/, '');
    // The provider redirects browsers to ${baseUrl}/auth/callback: https, or http on loopback for development.
    requireHttpsUnlessLoopback('MCP_BASTION_BASE_URL', baseUrl);
    const storage = await createProxyStore();
    return proxyFromEnv(env, { baseUrl, storage, logger: opts.logger });
  }
  const warn = { warn: (obj: object, msg: string) => opts.logger.warn(obj, msg) };
  const onEvent = (e: { type: string }) => opts.logger.info({ event: e.type, ...e }, 'verifier event');
  const loopbackDev = new URL(opts.resourceUrl).protocol === 'http:';
  const result = verifierFromEnv(env, { defaultAudience: opts.resourceUrl, logger: warn, onEvent, allowInsecureLoopback: loopbackDev });
  if (result.mode === 'none' || !result.verifier) return undefined;
  if (result.mode === 'remote') {
    return new RemoteAuthProvider({
      verifier: result.verifier,
      authorizationServers: result.authorizationServers,
      requiredScopes: result.requiredScopes,
      forwardAuthorizationServerMetadata: true,
      allowInsecureLoopback: loopbackDev,
    });
  }
  return tokenAuth(result.verifier, { requiredScopes: result.requiredScopes, authorizationServers: result.authorizationServers });
}
