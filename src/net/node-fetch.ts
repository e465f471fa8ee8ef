/**
 * A small `fetch` over node:http(s) with keep-alive agents, for the gateway's calls to HTTP
 * upstreams. The SDK transport only needs POST/GET/DELETE with a string body and a Response back;
 * undici's full fetch (spec Request objects, body mixins, controllers) cost the gateway about a
 * third of its CPU per forwarded call. Anything this does not handle (a non-string body) goes to
 * the global fetch. Redirects are never followed here; the SDK asks for `redirect: 'manual'` and
 * applies its own same-origin rule.
 */
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { Readable } from 'node:stream';
import type { FetchFn } from './request-signal.js';

const httpAgent = new HttpAgent({ keepAlive: true });
const httpsAgent = new HttpsAgent({ keepAlive: true });

const NO_BODY = new Set([101, 204, 205, 304]);

function headerObject(h: RequestInit['headers']): Record<string, string> {
  const out: Record<string, string> = {};
  if (!h) return out;
  if (h instanceof Headers) h.forEach((v, k) => (out[k] = v));
  else if (Array.isArray(h)) for (const [k, v] of h) out[k!.toLowerCase()] = v!;
  else for (const [k, v] of Object.entries(h)) out[k.toLowerCase()] = v;
  return out;
}

function responseHeaders(res: IncomingMessage): Headers {
  const h = new Headers();
  const raw = res.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) h.append(raw[i]!, raw[i + 1]!);
  return h;
}

export function nodeFetch(fallback: FetchFn = fetch): FetchFn {
  return (input, init = {}) => {
    const url = typeof input === 'string' ? new URL(input) : input;
    const body = init.body;
    if ((body !== undefined && body !== null && typeof body !== 'string') || (url.protocol !== 'http:' && url.protocol !== 'https:'))
      return fallback(input, init);
    const https = url.protocol === 'https:';
    return new Promise<Response>((resolve, reject) => {
      const headers = headerObject(init.headers);
      if (typeof body === 'string') headers['content-length'] = String(Buffer.byteLength(body));
      const req = (https ? httpsRequest : httpRequest)(
        url,
        { method: init.method ?? 'GET', headers, agent: https ? httpsAgent : httpAgent, ...(init.signal ? { signal: init.signal } : {}) },
        (res) => {
          const status = res.statusCode ?? 502;
          const responseInit = { status, statusText: res.statusMessage ?? '', headers: responseHeaders(res) };
          const finish = (r: Response) => {
            Object.defineProperty(r, 'url', { value: url.href });
            resolve(r);
          };
          if (NO_BODY.has(status) || init.method === 'HEAD') {
            res.resume();
            finish(new Response(null, responseInit));
            return;
          }
          const type = res.headers['content-type'] ?? '';
          if (type.includes('text/event-stream')) {
            // A stream stays a stream: events arrive while the call runs.
            finish(new Response(Readable.toWeb(res) as ReadableStream<Uint8Array>, responseInit));
            return;
          }
          // Anything else is read whole: the SDK reads JSON responses in full at once.
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => finish(new Response(Buffer.concat(chunks), responseInit)));
          res.on('error', reject);
        },
      );
      req.on('error', (e) => reject(init.signal?.aborted ? (init.signal.reason ?? e) : new TypeError('fetch failed', { cause: e })));
      req.end(body ?? undefined);
    });
  };
}
