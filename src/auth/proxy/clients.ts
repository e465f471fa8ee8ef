import { OAuthError } from './errors.js';
import type { ProxyContext } from './context.js';
import { C } from './store.js';
import { isCimdClientId, loadCimdClient } from './cimd.js';
import { now } from './context.js';

export type ClientAuthMethod = 'none' | 'client_secret_basic' | 'client_secret_post';

/** A client as the proxy knows it: registered here (DCR) or described by its metadata document (CIMD). */
export interface ClientRecord {
  readonly client_id: string;
  readonly kind: 'dcr' | 'cimd';
  readonly client_name?: string | undefined;
  readonly client_uri?: string | undefined;
  readonly redirect_uris: readonly string[];
  readonly token_endpoint_auth_method: ClientAuthMethod;
  readonly grant_types: readonly string[];
  /** SHA-256 hex of the client secret (confidential DCR clients only). */
  readonly secret_hash?: string | undefined;
  readonly created_at: number;
  readonly touched_at?: number | undefined;
}

/** DCR records are refreshed at most this often, so a busy client does not write on every request. */
const TOUCH_INTERVAL = 3600;

/**
 * Finds a client by id. An https URL is a Client ID Metadata Document (fetched SSRF-safely
 * and cached); anything else must have been registered here. Unknown → invalid_client.
 */
export async function findClient(ctx: ProxyContext, clientId: unknown): Promise<ClientRecord> {
  if (typeof clientId !== 'string' || clientId.length === 0 || clientId.length > 2000)
    throw new OAuthError('invalid_client', 'client_id is missing or malformed');
  if (isCimdClientId(clientId, ctx.opts.allowInsecureLoopback)) return loadCimdClient(ctx, clientId);
  if (clientId.length > 200) throw new OAuthError('invalid_client', 'unknown client');
  const record = await ctx.store.get<ClientRecord>(C.clients, clientId);
  if (!record) throw new OAuthError('invalid_client', 'unknown client');
  // A used registration stays; an abandoned one expires (DCR records are not kept forever).
  if ((record.touched_at ?? record.created_at) + TOUCH_INTERVAL < now()) {
    await ctx.store.set(C.clients, clientId, { ...record, touched_at: now() }, { ttlSeconds: ctx.opts.clientTtl });
  }
  return record;
}
