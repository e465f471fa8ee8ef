import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SafeFetchError, safeFetch } from '../../src/net/safe-fetch.js';

/**
 * Review finding: on a redirect, safeFetch rejected but kept draining the response
 * (`res.resume()`), so a server answering 302 with an endless slow body kept one of our
 * sockets open forever per attacker-chosen CIMD URL.
 */
describe('review: safeFetch closes the connection when it gives up', () => {
  let server: Server;
  let origin: string;
  let closedAt: number | undefined;
  beforeAll(async () => {
    server = createServer((req, res) => {
      res.writeHead(302, { location: 'https://elsewhere.example/', 'content-type': 'text/plain' });
      const t = setInterval(() => res.write('x'), 100);
      req.socket.on('close', () => {
        clearInterval(t);
        closedAt = Date.now();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
  });

  it('a redirect with an endless body is refused and its socket closed at once', async () => {
    const started = Date.now();
    const err = await safeFetch(`${origin}/r.json`, { allowLoopback: true, timeoutMs: 5_000 }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect((err as SafeFetchError).code).toBe('REDIRECT');
    await new Promise((r) => setTimeout(r, 1_000));
    expect(closedAt).toBeDefined();
    expect((closedAt as number) - started).toBeLessThan(1_000);
  });
});
