import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair } from 'jose';

/** The little of oidc-provider's API this fixture touches (the package ships no types). */
interface ProviderClient {
  readonly clientId: string;
  readonly clientAuthMethod: string;
}
interface ProviderInstance {
  callback(): (req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse) => void;
}
type ProviderCtor = new (issuer: string, config: Record<string, unknown>) => ProviderInstance;

async function loadProvider(): Promise<ProviderCtor> {
  // Imported through a variable so the untyped module does not need an ambient declaration.
  const name = 'oidc-provider';
  const mod = (await import(name)) as { default: ProviderCtor };
  return mod.default;
}

/**
 * A real oidc-provider on 127.0.0.1 acting as the authorization server:
 * client_credentials grant, resource indicators, introspection, revocation.
 * Resource servers (our verifier) authenticate to introspection with
 * client_secret_basic or client_secret_post.
 */
export interface OidcFixture {
  readonly issuer: string;
  readonly introspectionUrl: string;
  readonly resource: string;
  readonly otherResource: string;
  /** A resource for which the provider issues RFC 9068 JWT access tokens (RS256, typ at+jwt) instead of opaque ones. */
  readonly jwtResource: string;
  readonly jwksUri: string;
  readonly basicClient: { readonly id: string; readonly secret: string };
  readonly postClient: { readonly id: string; readonly secret: string };
  /** Obtains an opaque access token for `resource` with the client_credentials grant. */
  clientCredentialsToken(opts?: { scope?: string; resource?: string }): Promise<string>;
  revoke(token: string): Promise<void>;
  close(): Promise<void>;
}

export const TOKEN_TTL_SECONDS = 120;

export async function startOidcProvider(): Promise<OidcFixture> {
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  const issuer = `http://127.0.0.1:${port}`;
  const resource = 'http://127.0.0.1:8799/mcp';
  const otherResource = 'https://other-mcp.example/mcp';
  const jwtResource = 'http://127.0.0.1:8799/jwt-mcp';
  // Credentials with characters that break naive Basic encoding (RFC 6749 §2.3.1 requires form-encoding first).
  const basicClient = { id: 'rs:basic client', secret: 'p@ss w0rd+/:%&=?~' };
  const postClient = { id: 'rs-post', secret: 'post-secret-post-secret-post-secret' };
  const app = { id: 'app', secret: 'app-secret-app-secret-app-secret' };

  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const signingKey = { ...(await exportJWK(privateKey)), kid: 'test-rs256', alg: 'RS256', use: 'sig' };

  const Provider = await loadProvider();
  const provider = new Provider(issuer, {
    jwks: { keys: [signingKey] },
    cookies: { keys: ['fixture-cookie-key-fixture-cookie-key'] },
    scopes: ['mcp:tools', 'read', 'admin'],
    ttl: { ClientCredentials: TOKEN_TTL_SECONDS },
    clients: [
      {
        client_id: basicClient.id,
        client_secret: basicClient.secret,
        grant_types: [],
        response_types: [],
        redirect_uris: [],
        token_endpoint_auth_method: 'client_secret_basic',
      },
      {
        client_id: postClient.id,
        client_secret: postClient.secret,
        grant_types: [],
        response_types: [],
        redirect_uris: [],
        token_endpoint_auth_method: 'client_secret_post',
      },
      {
        client_id: app.id,
        client_secret: app.secret,
        grant_types: ['client_credentials'],
        response_types: [],
        redirect_uris: [],
        token_endpoint_auth_method: 'client_secret_basic',
        scope: 'mcp:tools read admin',
      },
    ],
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      introspection: { enabled: true, allowedPolicy: (_ctx: unknown, client: ProviderClient) => client.clientAuthMethod !== 'none' },
      revocation: {
        enabled: true,
        allowedPolicy: (_ctx: unknown, client: ProviderClient, token: { clientId: string }) => client.clientId === token.clientId,
      },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => resource,
        useGrantedResource: () => true,
        getResourceServerInfo: (_ctx: unknown, target: string) =>
          target === jwtResource
            ? { audience: target, scope: 'mcp:tools read admin', accessTokenFormat: 'jwt', jwt: { sign: { alg: 'RS256' } } }
            : { audience: target, scope: 'mcp:tools read admin', accessTokenFormat: 'opaque' },
      },
    },
  });
  server.on('request', provider.callback());

  const basic = `Basic ${Buffer.from(`${app.id}:${app.secret}`).toString('base64')}`;
  const post = async (path: string, form: Record<string, string>): Promise<Response> =>
    fetch(`${issuer}${path}`, {
      method: 'POST',
      headers: { authorization: basic, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(form).toString(),
    });

  return {
    issuer,
    introspectionUrl: `${issuer}/token/introspection`,
    resource,
    otherResource,
    jwtResource,
    jwksUri: `${issuer}/jwks`,
    basicClient,
    postClient,
    async clientCredentialsToken(opts = {}) {
      const res = await post('/token', {
        grant_type: 'client_credentials',
        scope: opts.scope ?? 'mcp:tools read',
        resource: opts.resource ?? resource,
      });
      const body = (await res.json()) as { access_token?: string; error?: string; error_description?: string };
      if (res.status !== 200 || body.access_token === undefined)
        throw new Error(`token request failed: ${res.status} ${body.error ?? ''} ${body.error_description ?? ''}`);
      return body.access_token;
    },
    async revoke(token) {
      const res = await post('/token/revocation', { token, token_type_hint: 'access_token' });
      if (res.status !== 200) throw new Error(`revocation failed: ${res.status}`);
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}
