import type { Logger } from '../log.js';
import { verifierFromEnv } from './verifiers/from-env.js';
import { RemoteAuthProvider } from './remote.js';
import { tokenAuth, type AuthProvider } from './resource-server.js';

/**
 * Auth for `mcp-bastion serve` from MCP_BASTION_AUTH and friends. Returns undefined for
 * `none` (or when the variable is unset and `fallback` is not given).
 */
export function authFromEnv(env: NodeJS.ProcessEnv, opts: { resourceUrl: string; logger: Logger }): AuthProvider | undefined {
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
