/**
 * A small `fetch` over node:http(s) with keep-alive agents, for the gateway's calls to HTTP
 * upstreams. The SDK transport only needs POST/GET/DELETE with a string body and a Response back;
 * undici's full fetch (spec Request objects, body mixins, controllers) cost the gateway about a
 * third of its CPU per forwarded call. Anything this does not handle (a non-string body) goes to
 * the global fetch. Redirects are never followed here; the SDK asks for `redirect: 'manual'` and
 * applies its own same-origin rule.
 *
 * The SDK transport hands every request the same long-lived AbortSignal (aborted on close).
 * http.request removes its abort listener when the exchange ends (for an event stream: when the
 * stream does), so the signal holds one listener per request in flight; undici's fetch kept one
 * per request until garbage collection, thousands under load, each costing every later
 * addEventListener a walk of the list and a MaxListenersExceeded warning.
 *
 * An upstream is not trusted to speak HTTP well: a status or reason phrase a WHATWG Response
 * refuses, a protocol upgrade, a stalled socket or an endless body end in a rejected promise,
 * never in an exception thrown from an event handler (which would take the gateway down).
 */
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { Readable } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import { setMaxListeners } from 'node:events';

export type FetchFn = (url: string | URL, init?: RequestInit) => Promise<Response>;

// One abort listener per request in flight is expected, however many there are: no leak warning for those.
const raised = new WeakSet<AbortSignal>();

export interface NodeFetchOptions {
  /** A socket with no traffic this long fails the request (undici's header and body timeouts are 300 s too). */
  readonly idleTimeoutMs?: number;
  /** Largest buffered (non-stream) body, in bytes; a longer one fails the request. */
  readonly maxBodyBytes?: number;
  /** Sockets per upstream origin. */
  readonly maxSockets?: number;
}

const NO_BODY = new Set([204, 205, 304]);

function headerObject(h: RequestInit['headers']): Record<string, string> {
  const out: Record<string, string> = {};
  if (!h) return out;
  if (h instanceof Headers) h.forEach((v, k) => (out[k] = v));
  else if (Array.isArray(h)) for (const [k, v] of h) out[k!.toLowerCase()] = v!;
  else for (const [k, v] of Object.entries(h)) out[k.toLowerCase()] = v;
  return out;
}

function responseHeaders(res: IncomingMessage, decoded: boolean): Headers {
  const h = new Headers();
  const raw = res.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i]!.toLowerCase();
    // The body handed on is decoded: its encoding and length headers no longer describe it.
    if (decoded && (name === 'content-encoding' || name === 'content-length')) continue;
    try {
      h.append(raw[i]!, raw[i + 1]!);
    } catch {
      // A header value Headers refuses (control characters): dropped, as a browser would.
    }
  }
  return h;
}

function decoderFor(encoding: string | undefined) {
  switch ((encoding ?? '').trim().toLowerCase()) {
    case '':
    case 'identity':
      return undefined;
    case 'gzip':
    case 'x-gzip':
      return createGunzip();
    case 'deflate':
      return createInflate();
    case 'br':
      return createBrotliDecompress();
    default:
      return null; // an encoding we cannot read
  }
}

const failed = (message: string, cause?: unknown) => new TypeError(`fetch failed: ${message}`, cause === undefined ? {} : { cause });

export function nodeFetch(fallback: FetchFn = fetch, options: NodeFetchOptions = {}): FetchFn {
  const idle = options.idleTimeoutMs ?? 300_000;
  const maxBody = options.maxBodyBytes ?? 64 * 1024 * 1024;
  const httpAgent = new HttpAgent({ keepAlive: true, maxSockets: options.maxSockets ?? 256 });
  const httpsAgent = new HttpsAgent({ keepAlive: true, maxSockets: options.maxSockets ?? 256 });
  return (input, init = {}) => {
    const url = typeof input === 'string' ? new URL(input) : input;
    const body = init.body;
    if ((body !== undefined && body !== null && typeof body !== 'string') || (url.protocol !== 'http:' && url.protocol !== 'https:'))
      return fallback(input, init);
    const https = url.protocol === 'https:';
    if (init.signal && !raised.has(init.signal)) {
      setMaxListeners(0, init.signal);
      raised.add(init.signal);
    }
    const attempt = (retry: boolean): Promise<Response> =>
      new Promise<Response>((resolve, reject) => {
        let settled = false;
        const fail = (e: unknown) => {
          if (settled) return;
          settled = true;
          reject(e);
        };
        const headers = headerObject(init.headers);
        if (typeof body === 'string') headers['content-length'] = String(Buffer.byteLength(body));
        const req = (https ? httpsRequest : httpRequest)(url, {
          method: init.method ?? 'GET',
          headers,
          agent: https ? httpsAgent : httpAgent,
          timeout: idle,
          ...(init.signal ? { signal: init.signal } : {}),
        });
        req.on('timeout', () => req.destroy(failed(`no data from ${url.host} for ${idle} ms`)));
        req.on('upgrade', (_res, socket) => {
          socket.destroy();
          fail(failed('the server switched protocols'));
        });
        req.on('error', (e: NodeJS.ErrnoException) => {
          // A kept-alive socket the server had already closed: the request never reached it (Node's documented retry case).
          if (retry && req.reusedSocket && !responded && (e.code === 'ECONNRESET' || e.code === 'EPIPE')) {
            settled = true;
            attempt(false).then(resolve, reject);
            return;
          }
          fail(init.signal?.aborted ? (init.signal.reason ?? e) : failed(e.message, e));
        });
        let responded = false;
        req.on('response', (res) => {
          responded = true;
          try {
            const status = res.statusCode ?? 0;
            if (status < 200 || status > 599) throw failed(`status ${status} from ${url.host}`);
            const decoder = NO_BODY.has(status) || init.method === 'HEAD' ? undefined : decoderFor(res.headers['content-encoding']);
            if (decoder === null) throw failed(`unsupported content-encoding "${res.headers['content-encoding']}"`);
            // statusText must be a reason-phrase token string; drop one a Response would refuse.
            const statusText = /^[\t\x20-\x7e\x80-\xff]*$/.test(res.statusMessage ?? '') ? (res.statusMessage ?? '') : '';
            const responseInit = { status, statusText, headers: responseHeaders(res, decoder !== undefined) };
            const finish = (r: Response) => {
              Object.defineProperty(r, 'url', { value: url.href });
              settled = true;
              resolve(r);
            };
            if (NO_BODY.has(status) || init.method === 'HEAD') {
              res.resume();
              finish(new Response(null, responseInit));
              return;
            }
            const stream: Readable = decoder ? res.pipe(decoder) : res;
            if (decoder) res.on('error', (e) => decoder.destroy(e));
            if ((res.headers['content-type'] ?? '').includes('text/event-stream')) {
              // A stream stays a stream: events arrive while the call runs.
              finish(new Response(Readable.toWeb(stream) as ReadableStream<Uint8Array>, responseInit));
              return;
            }
            // Anything else is read whole: the SDK reads JSON responses in full at once.
            const chunks: Buffer[] = [];
            let size = 0;
            stream.on('data', (c: Buffer) => {
              size += c.length;
              if (size > maxBody) {
                req.destroy();
                stream.destroy();
                fail(failed(`response body from ${url.host} larger than ${maxBody} bytes`));
                return;
              }
              chunks.push(c);
            });
            stream.on('end', () => {
              if (settled) return;
              try {
                finish(new Response(Buffer.concat(chunks), responseInit));
              } catch (e) {
                fail(failed('unreadable response', e));
              }
            });
            stream.on('error', (e) => fail(init.signal?.aborted ? (init.signal.reason ?? e) : failed(e.message, e)));
          } catch (e) {
            res.destroy();
            fail(e instanceof TypeError ? e : failed('unreadable response', e));
          }
        });
        req.end(body ?? undefined);
      });
    return attempt(true);
  };
}
