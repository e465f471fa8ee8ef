import {
  Client,
  StreamableHTTPClientTransport,
  UnauthorizedError,
  type OAuthClientProvider,
  type OAuthDiscoveryState,
} from '@modelcontextprotocol/client';
import { driveAuthorization } from './idp.js';

type Stored = Awaited<ReturnType<OAuthClientProvider['tokens']>>;
type StoredClient = Awaited<ReturnType<OAuthClientProvider['clientInformation']>>;

/** An in-memory OAuth client provider that completes the browser step headlessly. */
export class HeadlessOAuthProvider implements OAuthClientProvider {
  private info: StoredClient;
  private stored: Stored;
  private verifier = '';
  lastCallback: URLSearchParams | undefined;
  readonly redirectUrl = 'http://127.0.0.1:53682/callback';
  constructor(private readonly scope?: string) {}
  get clientMetadata() {
    return {
      client_name: 'bastion headless test',
      redirect_uris: [this.redirectUrl],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'none',
      application_type: 'native',
      ...(this.scope ? { scope: this.scope } : {}),
    };
  }
  clientInformation() {
    return this.info;
  }
  saveClientInformation(info: NonNullable<StoredClient>) {
    this.info = info;
  }
  tokens() {
    return this.stored;
  }
  saveTokens(tokens: NonNullable<Stored>) {
    this.stored = tokens;
  }
  async redirectToAuthorization(url: URL) {
    this.lastCallback = await driveAuthorization(url, this.redirectUrl);
  }
  private discovery: OAuthDiscoveryState | undefined;
  saveDiscoveryState(state: OAuthDiscoveryState) {
    this.discovery = state;
  }
  discoveryState() {
    return this.discovery;
  }
  saveCodeVerifier(v: string) {
    this.verifier = v;
  }
  codeVerifier() {
    return this.verifier;
  }
}

/** discovery → registration → PKCE authorization → token → connected client. */
export async function connectWithOAuth(
  mcpUrl: string,
  provider: HeadlessOAuthProvider,
  version: 'legacy' | { pin: string } = 'legacy',
): Promise<Client> {
  const make = () => new StreamableHTTPClientTransport(new URL(mcpUrl), { authProvider: provider });
  const client = new Client({ name: 'oauth-test', version: '1' }, { versionNegotiation: { mode: version } });
  const first = make();
  try {
    await client.connect(first);
    return client;
  } catch (err) {
    if (!(err instanceof UnauthorizedError) || !provider.lastCallback) throw err;
  }
  await first.finishAuth(provider.lastCallback);
  const second = new Client({ name: 'oauth-test', version: '1' }, { versionNegotiation: { mode: version } });
  await second.connect(make());
  return second;
}
