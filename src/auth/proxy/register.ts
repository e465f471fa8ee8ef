import type { ClientAuthMethod, ClientRecord } from './clients.js';
import type { ProxyContext } from './context.js';
import { now } from './context.js';
import { OAuthError, jsonResponse } from './errors.js';
import { readJson } from './http-util.js';
import { checkRegistrableRedirectUri, isLoopbackRedirect } from './redirect-uris.js';
import { randomToken, sha256Hex } from './secrets.js';
import { C } from './store.js';

const AUTH_METHODS: readonly ClientAuthMethod[] = ['none', 'client_secret_basic', 'client_secret_post'];
const GRANTS = ['authorization_code', 'refresh_token'];

/**
 * Validates RFC 7591 client metadata. Public clients by default; a client that asks for
 * client_secret_basic/post gets a secret. Every redirect URI must pass §3's rules.
 */
export function validateRegistration(
  body: unknown,
  ctx: Pick<ProxyContext, 'opts'>,
): Omit<ClientRecord, 'client_id' | 'created_at' | 'secret_hash'> {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw new OAuthError('invalid_client_metadata', 'expected a JSON object');
  const b = body as Record<string, unknown>;
  if (!Array.isArray(b.redirect_uris) || b.redirect_uris.length === 0 || b.redirect_uris.length > 10) {
    throw new OAuthError('invalid_redirect_uri', 'redirect_uris must list 1 to 10 URIs');
  }
  const redirectUris = b.redirect_uris.map((u) => checkRegistrableRedirectUri(u, ctx.opts.patterns));
  checkApplicationType(b.application_type, redirectUris);
  const method = (b.token_endpoint_auth_method ?? 'none') as ClientAuthMethod;
  if (!AUTH_METHODS.includes(method))
    throw new OAuthError('invalid_client_metadata', 'token_endpoint_auth_method must be none, client_secret_basic or client_secret_post');
  const grants = b.grant_types === undefined ? GRANTS : b.grant_types;
  if (!Array.isArray(grants) || grants.some((g) => !GRANTS.includes(g as string)) || !grants.includes('authorization_code')) {
    throw new OAuthError('invalid_client_metadata', 'grant_types must be authorization_code, optionally with refresh_token');
  }
  if (b.response_types !== undefined && (!Array.isArray(b.response_types) || b.response_types.some((r) => r !== 'code'))) {
    throw new OAuthError('invalid_client_metadata', 'response_types must be ["code"]');
  }
  if (b.client_name !== undefined && (typeof b.client_name !== 'string' || b.client_name.length > 200))
    throw new OAuthError('invalid_client_metadata', 'client_name must be a string of at most 200 characters');
  let clientUri: string | undefined;
  if (b.client_uri !== undefined) {
    if (typeof b.client_uri !== 'string' || !/^https:\/\//.test(b.client_uri) || b.client_uri.length > 500)
      throw new OAuthError('invalid_client_metadata', 'client_uri must be an https URL');
    clientUri = b.client_uri;
  }
  return {
    kind: 'dcr',
    client_name: b.client_name as string | undefined,
    client_uri: clientUri,
    redirect_uris: redirectUris,
    token_endpoint_auth_method: method,
    grant_types: grants as string[],
  };
}

/**
 * SEP-837 / OIDC `application_type`: a `web` client redirects to https on a real host; a
 * `native` client may use plain http only on loopback (the policy already enforces that).
 */
export function checkApplicationType(type: unknown, redirectUris: readonly string[]): void {
  if (type === undefined || type === 'native') return;
  if (type !== 'web') throw new OAuthError('invalid_client_metadata', 'application_type must be web or native');
  for (const u of redirectUris) {
    const url = new URL(u);
    if (url.protocol !== 'https:' || isLoopbackRedirect(url))
      throw new OAuthError('invalid_redirect_uri', 'a web application must use https redirect URIs on a non-loopback host');
  }
}

export async function handleRegister(ctx: ProxyContext, request: Request): Promise<Response> {
  const meta = validateRegistration(await readJson(request), ctx);
  // 192 bits from the CSPRNG: client ids are not secrets, but they must not be guessable or sequential.
  const clientId = `mcpb_${randomToken(24)}`;
  const secret = meta.token_endpoint_auth_method === 'none' ? undefined : randomToken(32);
  const record: ClientRecord = { ...meta, client_id: clientId, created_at: now(), ...(secret ? { secret_hash: sha256Hex(secret) } : {}) };
  await ctx.store.set(C.clients, clientId, record, { ttlSeconds: ctx.opts.clientTtl });
  ctx.logger.info({ event: 'client_registered', clientId, method: record.token_endpoint_auth_method }, 'client registered');
  return jsonResponse(
    {
      client_id: clientId,
      client_id_issued_at: record.created_at,
      ...(secret ? { client_secret: secret, client_secret_expires_at: 0 } : {}),
      redirect_uris: record.redirect_uris,
      token_endpoint_auth_method: record.token_endpoint_auth_method,
      grant_types: record.grant_types,
      response_types: ['code'],
      ...(record.client_name ? { client_name: record.client_name } : {}),
      ...(record.client_uri ? { client_uri: record.client_uri } : {}),
    },
    201,
  );
}
