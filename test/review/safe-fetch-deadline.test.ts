import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SafeFetchError, safeFetch } from '../../src/net/safe-fetch.js';

/**
 * Review finding: safeFetch's `timeoutMs` was a socket idle timeout (request.setTimeout), so a
 * server dripping one byte just inside the timeout kept a CIMD or metadata fetch, and the
 * /authorize or /token request waiting on it, open for as long as it liked.
 */
describe('review: safeFetch timeout is a deadline for the whole exchange', () => {
  let server: Server;
  let origin: string;
  beforeAll(async () => {
    server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      let n = 0;
      const t = setInterval(() => {
        if (res.destroyed || n++ > 40) {
          clearInterval(t);
          res.end();
          return;
        }
        res.write(' ');
      }, 100);
      res.on('close', () => clearInterval(t));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
  });

  it('a response dripped slower than the deadline is cut off at the deadline', async () => {
    const started = Date.now();
    const err = await safeFetch(`${origin}/drip.json`, { allowLoopback: true, timeoutMs: 500, maxBytes: 5 * 1024 }).then(
      () => undefined,
      (e: unknown) => e,
    );
    const took = Date.now() - started;
    expect(err).toBeInstanceOf(SafeFetchError);
    expect((err as SafeFetchError).code).toBe('TIMEOUT');
    expect(took).toBeLessThan(1_500);
  });
});
