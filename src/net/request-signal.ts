/**
 * A `fetch` for the SDK's Streamable HTTP client transport that keeps the transport's long-lived
 * AbortSignal small.
 *
 * The transport hands every POST the same signal (aborted on close). undici adds one abort
 * listener to it per request and removes it only when the request object is garbage-collected, so
 * a busy gateway piles up thousands of listeners between collections: Node then prints a
 * MaxListenersExceeded warning per request, and every `addEventListener` walks the whole list
 * (EventTarget checks for duplicates), so the cost of a request grows with the pile.
 *
 * Here each request gets its own AbortController, linked to the transport's signal by one listener
 * that is removed as soon as the response no longer needs it: at once for a JSON (or empty)
 * response, which the SDK reads in full right away, and when the body ends for an event stream,
 * which may stay open for the length of a tool call. Closing the transport still aborts every
 * request and stream in flight.
 */

import { setMaxListeners } from 'node:events';

export type FetchFn = (url: string | URL, init?: RequestInit) => Promise<Response>;

// One listener per request in flight is expected, however many there are: no leak warning for those.
const raised = new WeakSet<AbortSignal>();

const isStream = (res: Response) => (res.headers.get('content-type') ?? '').toLowerCase().includes('text/event-stream');

export function fetchWithRequestSignal(base: FetchFn = fetch): FetchFn {
  return async (url, init) => {
    const outer = init?.signal;
    if (!outer) return base(url, init);
    if (outer.aborted) throw outer.reason;
    if (!raised.has(outer)) {
      setMaxListeners(0, outer);
      raised.add(outer);
    }
    const own = new AbortController();
    const onAbort = () => own.abort(outer.reason);
    outer.addEventListener('abort', onAbort, { once: true });
    const unlink = () => outer.removeEventListener('abort', onAbort);
    let res: Response;
    try {
      res = await base(url, { ...init, signal: own.signal });
    } catch (e) {
      unlink();
      throw e;
    }
    if (!res.body || !isStream(res)) {
      unlink();
      return res;
    }
    // An event stream: stay linked until the stream ends, errors or is cancelled by the reader.
    const reader = res.body.getReader();
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        try {
          const { done, value } = await reader.read();
          if (done) {
            unlink();
            controller.close();
          } else controller.enqueue(value);
        } catch (e) {
          unlink();
          controller.error(e);
        }
      },
      async cancel(reason) {
        unlink();
        await reader.cancel(reason);
      },
    });
    const wrapped = new Response(body, { status: res.status, statusText: res.statusText, headers: res.headers });
    // `url` and `redirected` are read-only on a constructed Response; the SDK reads `url` for redirect messages.
    Object.defineProperty(wrapped, 'url', { value: res.url });
    Object.defineProperty(wrapped, 'redirected', { value: res.redirected });
    return wrapped;
  };
}
