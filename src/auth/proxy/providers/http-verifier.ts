import { AuthError, type Principal, type TokenVerifier } from '../../principal.js';
import { requireHttps } from '../../../net/url-policy.js';
import type { FetchImpl } from '../options.js';

export interface ApiVerifierOptions {
  /** The endpoint that answers 200 with the user for a live token (GitHub `/user`, OIDC userinfo). */
  readonly url: string;
  readonly fetch?: FetchImpl | undefined;
  readonly timeoutMs?: number | undefined;
  /** Tests only: http on loopback. */
  readonly allowInsecureLoopback?: boolean | undefined;
  readonly headers?: Readonly<Record<string, string>> | undefined;
  /** Turns the response into a principal. */
  readonly toPrincipal: (body: Record<string, unknown>, headers: Headers) => Principal;
}

const MAX_BYTES = 256 * 1024;

/**
 * Validates an opaque upstream token by calling an API with it. 401/403 means the token is
 * dead; anything else unexpected is "unavailable" (503), so an outage does not log users out.
 * The audience check does not apply: the proxy only ever verifies tokens it redeemed itself.
 */
export class ApiTokenVerifier implements TokenVerifier {
  readonly checksAudience = false;
  readonly requiredScopes: readonly string[] = [];
  readonly #url: URL;

  constructor(private readonly opts: ApiVerifierOptions) {
    this.#url = requireHttps('url', opts.url, opts.allowInsecureLoopback === true);
  }

  async verify(token: string): Promise<Principal> {
    const f = this.opts.fetch ?? fetch;
    let res: Response;
    try {
      res = await f(this.#url, {
        headers: { accept: 'application/json', 'user-agent': 'mcp-bastion', ...this.opts.headers, authorization: `Bearer ${token}` },
        redirect: 'error',
        signal: AbortSignal.timeout(this.opts.timeoutMs ?? 5_000),
      });
    } catch (err) {
      throw new AuthError('verifier_unavailable', 'the identity provider API is unavailable', { cause: err });
    }
    // A rate limit is not a verdict on the token (GitHub answers 403 with x-ratelimit-remaining: 0
    // or retry-after): treating it as one would end the user's grant.
    const rateLimited = res.status === 429 || res.headers.has('retry-after') || res.headers.get('x-ratelimit-remaining') === '0';
    if ((res.status === 401 || res.status === 403) && !rateLimited) {
      await res.body?.cancel();
      throw new AuthError('inactive', 'the identity provider rejected the token');
    }
    if (res.status !== 200) {
      await res.body?.cancel();
      throw new AuthError('verifier_unavailable', `the identity provider API answered ${res.status}`);
    }
    const text = await res.text();
    if (text.length > MAX_BYTES) throw new AuthError('verifier_unavailable', 'the identity provider API answer is too large');
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw new AuthError('verifier_unavailable', 'the identity provider API answered with invalid JSON');
    }
    if (typeof body !== 'object' || body === null || Array.isArray(body))
      throw new AuthError('invalid_claims', 'unexpected identity provider answer');
    return this.opts.toPrincipal(body as Record<string, unknown>, res.headers);
  }
}
