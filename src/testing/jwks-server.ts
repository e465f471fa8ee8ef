import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { JWK } from 'jose';
import type { TestKeyPair } from './keypair.js';

export interface JwksServer {
  /** `http://127.0.0.1:<port>/jwks.json` */
  readonly url: string;
  /** Number of requests to `/jwks.json` so far. */
  readonly fetchCount: number;
  /** Replace the published keys (simulates rotation). */
  setKeys(keys: ReadonlyArray<TestKeyPair | JWK>): void;
  /** Answer with this status and no keys until reset with `undefined` (simulates an outage). */
  setFailure(status: number | undefined): void;
  close(): Promise<void>;
}

function toPublicJwk(k: TestKeyPair | JWK): JWK {
  return 'publicJwk' in k ? (k as TestKeyPair).publicJwk : (k as JWK);
}

/** Serves a JWKS on 127.0.0.1 (random port) and counts fetches. Public keys only. */
export async function createJwksServer(keys: ReadonlyArray<TestKeyPair | JWK>): Promise<JwksServer> {
  let published = keys.map(toPublicJwk);
  let failure: number | undefined;
  let fetchCount = 0;
  const server = createServer((req, res) => {
    if (req.method !== 'GET' || req.url !== '/jwks.json') {
      res.writeHead(404).end();
      return;
    }
    fetchCount += 1;
    if (failure !== undefined) {
      res.writeHead(failure, { 'content-type': 'text/plain' }).end('unavailable');
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(JSON.stringify({ keys: published }));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/jwks.json`,
    get fetchCount() {
      return fetchCount;
    },
    setKeys(next) {
      published = next.map(toPublicJwk);
    },
    setFailure(status) {
      failure = status;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}
