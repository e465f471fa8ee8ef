import type { ProxyContext } from './context.js';

/** RFC 8414 authorization server metadata (also served as the OIDC discovery alias). */
export function authorizationServerMetadata(ctx: Pick<ProxyContext, 'opts' | 'validScopes'>): Record<string, unknown> {
  const base = ctx.opts.issuer;
  const authMethods = ['none', 'client_secret_post', 'client_secret_basic'];
  return {
    issuer: base,
    authorization_endpoint: `${base}/authorize`,
    token_endpoint: `${base}/token`,
    registration_endpoint: `${base}/register`,
    revocation_endpoint: `${base}/revoke`,
    scopes_supported: [...ctx.validScopes],
    response_types_supported: ['code'],
    response_modes_supported: ['query'],
    grant_types_supported: ['authorization_code', 'refresh_token'],
    code_challenge_methods_supported: ['S256'],
    token_endpoint_auth_methods_supported: authMethods,
    revocation_endpoint_auth_methods_supported: authMethods,
    authorization_response_iss_parameter_supported: true,
    client_id_metadata_document_supported: true,
  };
}

/** Path-aware well-known URLs for an issuer with a path, plus the root forms. */
export function metadataPaths(basePath: string): string[] {
  return [
    `/.well-known/oauth-authorization-server${basePath}`,
    `/.well-known/openid-configuration${basePath}`,
    ...(basePath ? [`${basePath}/.well-known/openid-configuration`, `${basePath}/.well-known/oauth-authorization-server`] : []),
  ];
}
