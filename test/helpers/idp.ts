import { listenLoopback, loadOidcProvider, signingJwk } from './oidc-provider.js';

export interface TestIdp {
  readonly issuer: string;
  readonly jwksUri: string;
  readonly introspectionUrl: string;
  /** client_credentials grant for a statically registered confidential client. */
  clientCredentials(clientId: string, secret: string, resource: string, scope: string): Promise<string>;
  /** The account the IdP logs in without asking. */
  account: string;
  /** Scopes granted at consent (the client may ask for more). */
  grantScopes: string;
  close(): Promise<void>;
}

/**
 * A real oidc-provider on 127.0.0.1 with dynamic client registration, PKCE, and RFC 9068 JWT
 * access tokens bound by resource indicators. Login and consent are approved automatically
 * (as `account`, granting `grantScopes`), so a headless client can run the whole flow.
 */
export async function startIdp(opts: {
  scopes: string[];
  grantScopes: string;
  account?: string;
  clients?: Record<string, unknown>[];
  accessTokenFormat?: 'jwt' | 'opaque';
}): Promise<TestIdp> {
  const { server, issuer } = await listenLoopback();
  const key = await signingJwk('ES256', 'idp-es256');
  const Provider = await loadOidcProvider();
  const state = { account: opts.account ?? 'alice', grantScopes: opts.grantScopes };
  const provider = new Provider(issuer, {
    jwks: { keys: [key] },
    cookies: { keys: ['idp-cookie-key-idp-cookie-key-0001'] },
    scopes: ['openid', 'offline_access', ...opts.scopes],
    responseTypes: ['code'],
    pkce: { required: () => true },
    clientDefaults: {
      token_endpoint_auth_method: 'none',
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      id_token_signed_response_alg: 'ES256',
    },
    clients: opts.clients ?? [],
    interactions: { url: (_ctx: unknown, interaction: { uid: string }) => `/interaction/${interaction.uid}` },
    features: {
      devInteractions: { enabled: false },
      registration: { enabled: true },
      // Resource servers (confidential clients) may introspect any token.
      introspection: {
        enabled: true,
        allowedPolicy: (_ctx: unknown, client: { clientAuthMethod: string }) => client.clientAuthMethod !== 'none',
      },
      revocation: { enabled: true },
      clientCredentials: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: (_ctx: unknown, _client: unknown, oneOf?: string[]) => oneOf?.[0],
        useGrantedResource: () => true,
        getResourceServerInfo: (_ctx: unknown, resource: string) => ({
          audience: resource,
          // Only these scopes can be granted for the resource; others a client asks for are dropped.
          scope: state.grantScopes,
          accessTokenFormat: opts.accessTokenFormat ?? 'jwt',
          accessTokenTTL: 600,
          jwt: { sign: { alg: 'ES256' } },
        }),
      },
    },
    findAccount: (_ctx: unknown, accountId: string) => ({ accountId, claims: () => ({ sub: accountId }) }),
  });
  const callback = provider.callback();
  server.on('request', (req, res) => {
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
      // Approve what the provider says is missing; the resource server info already limits
      // resource scopes to `grantScopes`, so anything else the client asked for is dropped.
      const missing = details.prompt.details ?? {};
      if (missing.missingOIDCScope?.length) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
      for (const [resource, scopes] of Object.entries(missing.missingResourceScopes ?? {}))
        grant.addResourceScope(resource, scopes.join(' '));
      const grantId = await grant.save();
      await provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
    })().catch((err: unknown) => {
      res.statusCode = 500;
      res.end(String(err));
    });
  });
  return {
    issuer,
    jwksUri: `${issuer}/jwks`,
    introspectionUrl: `${issuer}/token/introspection`,
    async clientCredentials(clientId, secret, resource, scope) {
      const res = await fetch(`${issuer}/token`, {
        method: 'POST',
        headers: {
          authorization: `Basic ${Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(secret)}`).toString('base64')}`,
          'content-type': 'application/x-www-form-urlencoded',
        },
        body: new URLSearchParams({ grant_type: 'client_credentials', resource, scope }).toString(),
      });
      const body = (await res.json()) as { access_token?: string };
      if (!body.access_token) throw new Error(`client_credentials failed: ${res.status} ${JSON.stringify(body)}`);
      return body.access_token;
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
    set grantScopes(v: string) {
      state.grantScopes = v;
    },
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

/**
 * Follows an authorization URL like a browser would (with cookies) until the IdP redirects to
 * `redirectUri`, and returns that final URL's query (code, state, iss).
 */
export async function driveAuthorization(authorizationUrl: URL, redirectUri: string): Promise<URLSearchParams> {
  const jar = new Map<string, string>();
  let url = authorizationUrl.href;
  for (let hop = 0; hop < 20; hop++) {
    if (url.startsWith(redirectUri)) return new URL(url).searchParams;
    const res = await fetch(url, { redirect: 'manual', headers: { cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; ') } });
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const eq = (pair ?? '').indexOf('=');
      if (eq > 0) jar.set((pair as string).slice(0, eq), (pair as string).slice(eq + 1));
    }
    const location = res.headers.get('location');
    if (!location) throw new Error(`authorization stopped at ${res.status}: ${(await res.text()).slice(0, 300)}`);
    url = new URL(location, url).href;
  }
  throw new Error('too many redirects');
}
