import { envFirst, envList, envString, type Env } from '../../env.js';
import { ConfigError } from '../../errors.js';
import type { Logger } from '../../log.js';
import type { Store } from '../../storage/index.js';
import type { OAuthProxy } from './proxy.js';
import { AzureProvider } from './providers/azure.js';
import { GitHubProvider } from './providers/github.js';
import { GoogleProvider } from './providers/google.js';
import { OidcProxy } from './providers/oidc.js';

export interface ProxyFromEnvContext {
  readonly baseUrl: string;
  /** A store opened with PROXY_STORE_SECURITY (createProxyStore). */
  readonly storage: Store;
  readonly logger?: Logger | undefined;
}

export const PROXY_AUTH_KINDS = ['github', 'google', 'azure', 'oidc'] as const;

/** The first of the names that is set, or a ConfigError naming the preferred one. */
function required(env: Env, names: readonly string[]): string {
  const set = envFirst(env, names);
  if (set !== undefined) return set.value;
  const [first, ...rest] = names;
  throw new ConfigError(
    first as string,
    `is required for MCP_BASTION_AUTH=${envString(env, 'MCP_BASTION_AUTH') ?? ''}${rest.length ? ` (also accepted: ${rest.join(', ')})` : ''}`,
  );
}

/**
 * An OAuth proxy from the environment, or undefined when MCP_BASTION_AUTH names none of
 * github | google | azure | oidc. Errors name the variable at fault.
 */
export function proxyFromEnv(env: Env, ctx: ProxyFromEnvContext): OAuthProxy | undefined {
  const kind = envString(env, 'MCP_BASTION_AUTH')?.toLowerCase();
  if (kind === undefined || !(PROXY_AUTH_KINDS as readonly string[]).includes(kind)) return undefined;
  const common = { baseUrl: ctx.baseUrl, storage: ctx.storage };
  // GitHub and Google accounts are open to anyone: our scopes are granted only when listed here.
  const grantScopes = envList(env, 'MCP_BASTION_PROXY_GRANT_SCOPES', { separator: /[\s,]+/ }) ?? [];
  ctx.logger?.info({ event: 'oauth_proxy_configured', provider: kind }, 'OAuth proxy configured from the environment');
  switch (kind) {
    case 'github':
      return new GitHubProvider({
        ...common,
        clientId: required(env, ['MCP_BASTION_GITHUB_CLIENT_ID', 'GITHUB_CLIENT_ID']),
        clientSecret: required(env, ['MCP_BASTION_GITHUB_CLIENT_SECRET', 'GITHUB_CLIENT_SECRET']),
        grantScopes,
      });
    case 'google':
      return new GoogleProvider({
        ...common,
        clientId: required(env, ['MCP_BASTION_GOOGLE_CLIENT_ID', 'GOOGLE_CLIENT_ID']),
        clientSecret: required(env, ['MCP_BASTION_GOOGLE_CLIENT_SECRET', 'MCP_BASTION_GOOGLE_SECRET', 'GOOGLE_CLIENT_SECRET']),
        grantScopes,
      });
    case 'azure':
      return new AzureProvider({
        ...common,
        clientId: required(env, ['MCP_BASTION_AZURE_CLIENT_ID']),
        clientSecret: required(env, ['MCP_BASTION_AZURE_CLIENT_SECRET']),
        tenantId: required(env, ['MCP_BASTION_AZURE_TENANT_ID']),
      });
    default:
      return new OidcProxy({
        ...common,
        configUrl: required(env, ['MCP_BASTION_OIDC_CONFIG_URL']),
        clientId: required(env, ['MCP_BASTION_OIDC_CLIENT_ID']),
        clientSecret: required(env, ['MCP_BASTION_OIDC_CLIENT_SECRET']),
      });
  }
}
