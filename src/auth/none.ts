import { ANONYMOUS } from './principal.js';
import type { HttpAuthenticator } from './http.js';

/** No authentication: every caller is anonymous. Meant for loopback development. */
export function noAuth(): HttpAuthenticator {
  return {
    enabled: false,
    authenticate: async () => ({ ok: true, principal: ANONYMOUS }),
    insufficientScope: () =>
      new Response(JSON.stringify({ error: 'insufficient_scope' }), { status: 403, headers: { 'content-type': 'application/json' } }),
  };
}
