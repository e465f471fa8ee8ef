import { listenLoopback, loadOidcProvider, signingJwk } from '../../helpers/oidc-provider.js';

export interface UpstreamIdp {
  readonly issuer: string;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly authorizationEndpoint: string;
  readonly tokenEndpoint: string;
  readonly revocationEndpoint: string;
  readonly introspectionUrl: string;
  account: string;
  /** Scopes the IdP supports and grants (others requested are dropped). */
  grantScopes: string[];
  /** Token endpoint requests seen (grant types), to check what the proxy sends upstream. */
  readonly tokenRequests: string[];
  readonly revocations: string[];
  /** RFC 7662 at the upstream, authenticated as the proxy's client. */
  introspect(token: string): Promise<{ active: boolean } & Record<string, unknown>>;
  close(): Promise<void>;
}

/**
 * An upstream configured like GitHub or Google: NO dynamic registration, ONE pre-registered
 * confidential client whose only redirect URI is the proxy's callback, opaque access tokens,
 * refresh tokens, revocation and introspection. Login and consent are approved automatically.
 */
export async function startUpstreamIdp(opts: {
  callbackUrl: string;
  scopes: string[];
  grantScopes: string[];
  accessTokenTtl?: number;
  account?: string;
}): Promise<UpstreamIdp> {
  const { server, issuer } = await listenLoopback();
  const key = await signingJwk('ES256', 'upstream');
  const Provider = await loadOidcProvider();
  const clientId = 'mcp-bastion-proxy';
  const clientSecret = 'upstream-client-secret-0123456789abcdef';
  const state = { account: opts.account ?? 'alice', grantScopes: opts.grantScopes };
  const provider = new Provider(issuer, {
    jwks: { keys: [key] },
    cookies: { keys: ['upstream-cookie-key-0123456789'] },
    // Scopes the IdP does not know are dropped from the grant (how the proxy learns what was granted).
    scopes: ['openid', 'offline_access', ...opts.grantScopes],
    responseTypes: ['code'],
    pkce: { required: () => true },
    clients: [
      {
        client_id: clientId,
        client_secret: clientSecret,
        redirect_uris: [opts.callbackUrl],
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_basic',
        id_token_signed_response_alg: 'ES256',
      },
    ],
    ttl: { AccessToken: opts.accessTokenTtl ?? 600 },
    issueRefreshToken: () => true,
    rotateRefreshToken: true,
    interactions: { url: (_ctx: unknown, interaction: { uid: string }) => `/interaction/${interaction.uid}` },
    features: {
      devInteractions: { enabled: false },
      registration: { enabled: false },
      introspection: { enabled: true },
      revocation: { enabled: true },
    },
    findAccount: (_ctx: unknown, accountId: string) => ({ accountId, claims: () => ({ sub: accountId }) }),
  });
  const tokenRequests: string[] = [];
  const revocations: string[] = [];
  const callback = provider.callback();
  server.on('request', (req, res) => {
    if (req.method === 'POST' && req.url === '/token') tokenRequests.push('token');
    if (req.method === 'POST' && req.url === '/token/revocation') revocations.push('revocation');
    if (!req.url?.startsWith('/interaction/')) return callback(req, res);
    void (async () => {
      const details = await provider.interactionDetails(req, res);
      if (details.prompt.name === 'login') {
        await provider.interactionFinished(req, res, { login: { accountId: state.account } }, { mergeWithLastSubmission: false });
        return;
      }
      const grant = new provider.Grant({
        accountId: details.session?.accountId ?? state.account,
        clientId: details.params.client_id as string,
      });
      const missing = details.prompt.details?.missingOIDCScope ?? [];
      if (missing.length) grant.addOIDCScope(missing.join(' '));
      const grantId = await grant.save();
      await provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
    })().catch((err: unknown) => {
      res.statusCode = 500;
      res.end(String(err));
    });
  });
  const basic = `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`;
  return {
    issuer,
    clientId,
    clientSecret,
    authorizationEndpoint: `${issuer}/auth`,
    tokenEndpoint: `${issuer}/token`,
    revocationEndpoint: `${issuer}/token/revocation`,
    introspectionUrl: `${issuer}/token/introspection`,
    tokenRequests,
    revocations,
    async introspect(token) {
      const res = await fetch(`${issuer}/token/introspection`, {
        method: 'POST',
        headers: { authorization: basic, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ token }).toString(),
      });
      return (await res.json()) as { active: boolean };
    },
    get account() {
      return state.account;
    },
    set account(v: string) {
      state.account = v;
    },
    get grantScopes() {
      return state.grantScopes;
    },
    set grantScopes(v: string[]) {
      state.grantScopes = v;
    },
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
