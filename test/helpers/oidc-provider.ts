import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, type JWK } from 'jose';

/** The part of oidc-provider's API the test identity providers use (the package ships no types). */
export interface InteractionDetails {
  prompt: { name: string; details?: { missingOIDCScope?: string[]; missingResourceScopes?: Record<string, string[]> } };
  params: Record<string, string>;
  session?: { accountId: string };
}
export interface GrantInstance {
  addOIDCScope(scope: string): void;
  addResourceScope(resource: string, scope: string): void;
  save(): Promise<string>;
}
export interface ProviderInstance {
  callback(): (req: IncomingMessage, res: ServerResponse) => void;
  interactionDetails(req: IncomingMessage, res: ServerResponse): Promise<InteractionDetails>;
  interactionFinished(req: IncomingMessage, res: ServerResponse, result: object, opts?: object): Promise<void>;
  Grant: new (opts: { accountId: string; clientId: string }) => GrantInstance;
}
export type ProviderCtor = new (issuer: string, config: Record<string, unknown>) => ProviderInstance;

export async function loadOidcProvider(): Promise<ProviderCtor> {
  // Imported through a variable so the untyped module needs no ambient declaration.
  const name = 'oidc-provider';
  return ((await import(name)) as { default: ProviderCtor }).default;
}

/** An HTTP server on 127.0.0.1 (random port) and the issuer URL it answers at. */
export async function listenLoopback(): Promise<{ server: Server; issuer: string }> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return { server, issuer: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

/** A fresh signing key as a private JWK with kid, alg and use set. */
export async function signingJwk(alg: 'ES256' | 'RS256', kid: string): Promise<JWK> {
  const { privateKey } = await generateKeyPair(alg, { extractable: true });
  return { ...(await exportJWK(privateKey)), kid, alg, use: 'sig' };
}
