import type { Principal } from './principal.js';

export type AuthOutcome =
  | { readonly ok: true; readonly principal: Principal; readonly token?: string | undefined }
  | { readonly ok: false; readonly response: Response };

/**
 * The HTTP face of an auth configuration: turns a request into a principal or a challenge,
 * builds step-up challenges, and serves its discovery documents.
 */
export interface HttpAuthenticator {
  /** False when no auth is configured: everyone is anonymous and per-component checks are skipped. */
  readonly enabled: boolean;
  /** `body` is the already-read request body, so a token smuggled into a form body can be refused. */
  authenticate(request: Request, body?: string): Promise<AuthOutcome>;
  /** HTTP 403 `insufficient_scope` naming the scopes a call needs (MCP step-up authorization). */
  insufficientScope(scopes: readonly string[]): Response;
  /** Answers `/.well-known/...` and other auth routes it owns; undefined when the path is not its. */
  route?(request: Request, url: URL, info?: RequestInfo): Promise<Response | undefined>;
}

/** What the transport knows about a request that the Request object does not carry. */
export interface RequestInfo {
  /** The caller's address: the socket peer, or the X-Forwarded-For hop chosen by `http.trustProxy`. */
  readonly clientAddress?: string | undefined;
}
