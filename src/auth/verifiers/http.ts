import { AuthError } from '../principal.js';

export type FetchLike = (input: string | URL, init?: RequestInit) => Promise<Response>;

export interface JsonFetchOptions {
  readonly fetch?: FetchLike | undefined;
  readonly timeoutMs: number;
  /** Refuse bodies larger than this: a hostile or broken endpoint must not exhaust memory. */
  readonly maxBytes?: number | undefined;
  readonly init?: RequestInit | undefined;
}

export interface JsonResponse {
  readonly status: number;
  readonly body: unknown;
}

const DEFAULT_MAX_BYTES = 512 * 1024;

/**
 * Fetches a JSON document for a verifier (JWKS, introspection). Any transport
 * problem becomes `verifier_unavailable` (503): the token may be perfectly
 * good, and a 401 would make clients throw it away.
 *
 * Redirects are refused: the configured URL was checked for https/loopback,
 * a redirect target was not.
 */
export async function fetchJson(url: URL, opts: JsonFetchOptions): Promise<JsonResponse> {
  const doFetch = opts.fetch ?? globalThis.fetch;
  const maxBytes = opts.maxBytes ?? DEFAULT_MAX_BYTES;
  const where = `${url.origin}${url.pathname}`;
  let res: Response;
  try {
    res = await doFetch(url, {
      ...opts.init,
      redirect: 'error',
      signal: AbortSignal.timeout(opts.timeoutMs),
    });
  } catch (cause) {
    const timedOut = cause instanceof Error && (cause.name === 'TimeoutError' || cause.name === 'AbortError');
    throw new AuthError('verifier_unavailable', `${timedOut ? 'timed out fetching' : 'could not fetch'} ${where}`, { cause });
  }
  let text: string;
  try {
    text = await readCapped(res, maxBytes);
  } catch (cause) {
    throw new AuthError('verifier_unavailable', `could not read the response from ${where}`, { cause });
  }
  let body: unknown;
  try {
    body = text === '' ? undefined : JSON.parse(text);
  } catch (cause) {
    // Error pages (HTML from a proxy, say) land here; keep them out of the message.
    throw new AuthError('verifier_unavailable', `${where} answered ${res.status} with a body that is not JSON`, { cause });
  }
  return { status: res.status, body };
}

async function readCapped(res: Response, maxBytes: number): Promise<string> {
  const declared = Number(res.headers.get('content-length') ?? '0');
  if (declared > maxBytes) {
    await res.body?.cancel();
    throw new Error(`response larger than ${maxBytes} bytes`);
  }
  if (res.body === null) return '';
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel();
      throw new Error(`response larger than ${maxBytes} bytes`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}
