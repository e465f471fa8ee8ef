/**
 * OAuth error responses (RFC 6749 §4.1.2.1, §5.2; RFC 7591 §3.2.2; RFC 8707 §2). Every failure
 * the proxy reports to a client is one of these codes with our own description: text from the
 * upstream provider is never passed through, because it may carry secrets or be attacker-chosen.
 */
export type OAuthErrorCode =
  | 'invalid_request'
  | 'invalid_client'
  | 'invalid_grant'
  | 'unauthorized_client'
  | 'unsupported_grant_type'
  | 'unsupported_response_type'
  | 'invalid_scope'
  | 'invalid_target'
  | 'access_denied'
  | 'server_error'
  | 'temporarily_unavailable'
  | 'invalid_redirect_uri'
  | 'invalid_client_metadata'
  | 'unsupported_token_type';

export class OAuthError extends Error {
  override readonly name = 'OAuthError';
  readonly code: OAuthErrorCode;
  readonly status: number;
  constructor(code: OAuthErrorCode, description: string, status?: number) {
    super(description);
    this.code = code;
    this.status = status ?? defaultStatus(code);
  }
}

function defaultStatus(code: OAuthErrorCode): number {
  switch (code) {
    case 'invalid_client':
      return 401;
    case 'server_error':
      return 500;
    case 'temporarily_unavailable':
      return 503;
    default:
      return 400;
  }
}

const JSON_HEADERS = { 'content-type': 'application/json', 'cache-control': 'no-store', pragma: 'no-cache' };

export function jsonResponse(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { ...JSON_HEADERS, ...headers } });
}

/** RFC 6749 §5.2 JSON error. `invalid_client` with Basic auth also gets a challenge (§5.2). */
export function oauthErrorResponse(err: OAuthError, opts: { basicChallenge?: boolean } = {}): Response {
  const headers: Record<string, string> = {};
  if (err.code === 'invalid_client' && opts.basicChallenge) headers['www-authenticate'] = 'Basic realm="oauth"';
  return jsonResponse({ error: err.code, error_description: err.message }, err.status, headers);
}
