import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface DocServer {
  readonly origin: string;
  /** Serves `body` (JSON) at `path` with optional headers. */
  serve(path: string, body: unknown, headers?: Record<string, string>): string;
  readonly hits: Map<string, number>;
  close(): Promise<void>;
}

/**
 * Serves client metadata documents on 127.0.0.1. `tls: true` uses a throwaway self-signed
 * certificate made with the openssl CLI (node:crypto cannot make X.509 certificates); tests
 * that fetch from it must accept that certificate.
 */
export async function startDocServer(opts: { tls?: boolean } = {}): Promise<DocServer> {
  const docs = new Map<string, { body: string; headers: Record<string, string> }>();
  const hits = new Map<string, number>();
  const handler = (req: { url?: string }, res: { writeHead(s: number, h?: Record<string, string>): void; end(b?: string): void }) => {
    const path = req.url ?? '/';
    hits.set(path, (hits.get(path) ?? 0) + 1);
    const doc = docs.get(path);
    if (!doc) {
      res.writeHead(404);
      res.end();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json', ...doc.headers });
    res.end(doc.body);
  };
  let server: Server;
  if (opts.tls) {
    const dir = mkdtempSync(join(tmpdir(), 'cimd-tls-'));
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:P-256',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=127.0.0.1',
        '-addext',
        'subjectAltName=IP:127.0.0.1',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
      ],
      { stdio: 'ignore' },
    );
    server = createHttpsServer({ key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) }, handler);
    rmSync(dir, { recursive: true, force: true });
  } else server = createHttpServer(handler);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const origin = `${opts.tls ? 'https' : 'http'}://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    hits,
    serve(path, body, headers = {}) {
      docs.set(path, { body: typeof body === 'string' ? body : JSON.stringify(body), headers });
      return `${origin}${path}`;
    },
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
