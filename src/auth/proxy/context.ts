import type { Logger } from '../../log.js';
import type { Store } from '../../storage/index.js';
import type { TokenVerifier } from '../principal.js';
import type { JwtVerifier } from '../verifiers/jwt.js';
import type { ProxyKeys } from './keys.js';
import type { ResolvedProxyOptions } from './options.js';
import type { UpstreamClient } from './upstream.js';

/** What every handler of one bound proxy shares. Built once the keys are loaded. */
export interface ProxyContext {
  readonly opts: ResolvedProxyOptions;
  readonly store: Store;
  readonly keys: ProxyKeys;
  readonly upstream: UpstreamClient;
  /** The MCP resource URL: the audience of every token we issue. */
  readonly resourceUrl: URL;
  readonly validScopes: readonly string[];
  readonly logger: Logger;
  /** Verifies upstream access tokens. */
  readonly upstreamVerifier: TokenVerifier;
  /** Verifies our own access tokens (signature, iss, aud = resourceUrl, exp). */
  readonly accessVerifier: JwtVerifier;
  /** Endpoint paths under baseUrl. */
  readonly paths: {
    readonly authorize: string;
    readonly token: string;
    readonly register: string;
    readonly revoke: string;
    readonly consent: string;
    readonly callback: string;
  };
}

export const now = (): number => Math.floor(Date.now() / 1000);
