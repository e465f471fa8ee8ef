import type { ClientRecord } from './clients.js';
import { findClient } from './clients.js';
import type { ProxyContext } from './context.js';
import { OAuthError, oauthErrorResponse } from './errors.js';
import { readForm } from './http-util.js';
import { safeEqual, sha256Hex } from './secrets.js';

export interface PresentedCredentials {
  readonly clientId: string | undefined;
  readonly secret: string | undefined;
  readonly basic: boolean;
}

/** RFC 6749 §2.3.1: Basic credentials are form-encoded before base64. */
function formDecode(s: string): string {
  return decodeURIComponent(s.replace(/\+/g, ' '));
}

export function readClientCredentials(request: Request, form: URLSearchParams): PresentedCredentials {
  const header = request.headers.get('authorization');
  if (header !== null) {
    const m = /^Basic ([A-Za-z0-9+/=]+)$/i.exec(header.trim());
    if (!m) throw new OAuthError('invalid_client', 'malformed Authorization header');
    const decoded = Buffer.from(m[1] as string, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) throw new OAuthError('invalid_client', 'malformed Basic credentials');
    let id: string;
    let secret: string;
    try {
      id = formDecode(decoded.slice(0, colon));
      secret = formDecode(decoded.slice(colon + 1));
    } catch {
      throw new OAuthError('invalid_client', 'malformed Basic credentials');
    }
    // One authentication method per request (RFC 6749 §2.3).
    if (form.has('client_secret')) throw new OAuthError('invalid_request', 'use one client authentication method');
    if (form.has('client_id') && form.get('client_id') !== id)
      throw new OAuthError('invalid_client', 'client_id does not match the credentials');
    return { clientId: id, secret, basic: true };
  }
  return { clientId: form.get('client_id') ?? undefined, secret: form.get('client_secret') ?? undefined, basic: false };
}

/**
 * Authenticates the client at /token and /revoke. Public clients present only their id;
 * confidential clients must present their secret (Basic or form), compared in constant time
 * as SHA-256 hashes. A secret offered by a public client is refused, not ignored.
 */
export async function authenticateClient(ctx: ProxyContext, creds: PresentedCredentials): Promise<ClientRecord> {
  if (!creds.clientId) throw new OAuthError('invalid_client', 'client authentication is required');
  let client: ClientRecord;
  try {
    client = await findClient(ctx, creds.clientId);
  } catch (err) {
    if (err instanceof OAuthError) throw new OAuthError('invalid_client', 'client authentication failed');
    throw err;
  }
  if (client.token_endpoint_auth_method === 'none') {
    if (creds.secret !== undefined) throw new OAuthError('invalid_client', 'this client is public and has no secret');
    return client;
  }
  if (creds.secret === undefined || !client.secret_hash || !safeEqual(sha256Hex(creds.secret), client.secret_hash)) {
    throw new OAuthError('invalid_client', 'client authentication failed');
  }
  return client;
}

/**
 * The shared frame of the client-authenticated endpoints (/token, /revoke): read the form,
 * authenticate the client, run the handler, and turn OAuth errors into RFC 6749 §5.2 answers
 * (with a Basic challenge when the client used Basic).
 */
export async function withAuthenticatedClient(
  ctx: ProxyContext,
  request: Request,
  handle: (client: ClientRecord, form: URLSearchParams) => Promise<Response>,
): Promise<Response> {
  let basic = false;
  try {
    const form = await readForm(request);
    const creds = readClientCredentials(request, form);
    basic = creds.basic;
    return await handle(await authenticateClient(ctx, creds), form);
  } catch (err) {
    if (err instanceof OAuthError) return oauthErrorResponse(err, { basicChallenge: basic });
    throw err;
  }
}
