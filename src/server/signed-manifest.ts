/**
 * Our own server's signed manifest: the registry's definitions, exactly as `tools/list`,
 * `prompts/list`, `resources/list` and `resources/templates/list` present them, signed once at
 * start. Clients and the scanner fetch it from `/.well-known/mcp-manifest.jws` (or read it from
 * the initialize result's `_meta`) and check that what they are offered is what was signed.
 */

import type { KeyObject } from 'node:crypto';
import type { Server } from '@modelcontextprotocol/server';
import type { JWK } from 'jose';
import { loadSigningKey, type ManifestSigningKey } from '../security/signing/keys.js';
import { signManifest, type ManifestServer } from '../security/signing/manifest.js';
import type { PromptDef, ResourceDef, ToolDef } from '../security/types.js';
import type { Registry, ResourceEntry } from './registry.js';

export const MANIFEST_PATH = '/.well-known/mcp-manifest.jws';
/** `_meta` key for the initialize result. */
export const MANIFEST_META_KEY = 'mcp-bastion/signed-manifest';

export interface SigningOptions {
  /** Ed25519 or P-256 private key: PKCS#8 PEM, JWK (text or object), KeyObject, or an already loaded key. */
  key: string | JWK | KeyObject | ManifestSigningKey;
  /** Signature lifetime in seconds; default none (re-signed at every start anyway). */
  expiresInSeconds?: number;
}

const defined = <T extends object>(o: T): T => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;

function resourceDef(r: ResourceEntry): ResourceDef {
  return defined({
    ...(r.uri !== undefined ? { uri: r.uri } : { uriTemplate: r.uriTemplate }),
    name: r.name,
    title: r.title || undefined,
    description: r.description || undefined,
    mimeType: r.mimeType || undefined,
  });
}

/** The registry as the protocol layer lists it (same fields, same omissions), for signing. */
export function registryManifest(registry: Registry, name: string, version: string): ManifestServer {
  const tools: ToolDef[] = [...registry.tools.values()].map((t) =>
    defined({
      name: t.name,
      title: t.title || undefined,
      description: t.description,
      inputSchema: t.inputSchema,
      outputSchema: t.outputSchema,
      annotations: t.annotations,
    }),
  );
  const prompts: PromptDef[] = [...registry.prompts.values()].map((p) =>
    defined({
      name: p.name,
      title: p.title || undefined,
      description: p.description || undefined,
      arguments: p.arguments.map((a) => defined({ name: a.name, required: a.required, description: a.description || undefined })),
    }),
  );
  return {
    name,
    version,
    tools,
    prompts,
    resources: registry.resources.filter((r) => r.uri !== undefined).map(resourceDef),
    resourceTemplates: registry.resources.filter((r) => r.uriTemplate !== undefined).map(resourceDef),
  };
}

function isLoaded(key: SigningOptions['key']): key is ManifestSigningKey {
  return typeof key === 'object' && 'alg' in key && 'kid' in key && 'key' in key && typeof (key as ManifestSigningKey).key === 'object';
}

/** Signs every tool, prompt and resource of the registry. Throws ConfigError (option `signing.key`) for an unusable key. */
export async function createSignedManifest(registry: Registry, opts: SigningOptions & { name: string; version: string }): Promise<string> {
  const key = isLoaded(opts.key) ? opts.key : await loadSigningKey(opts.key, 'signing.key');
  return signManifest(registryManifest(registry, opts.name, opts.version), key, {
    ...(opts.expiresInSeconds !== undefined ? { expiresInSeconds: opts.expiresInSeconds } : {}),
  });
}

/** The `/.well-known/mcp-manifest.jws` answer: the compact JWS as `application/jose`. */
export function manifestResponse(jws: string): Response {
  return new Response(jws, {
    status: 200,
    headers: {
      'content-type': 'application/jose',
      // Re-signed at every start: clients must not keep a stale copy past a deploy.
      'cache-control': 'no-cache',
      'x-content-type-options': 'nosniff',
    },
  });
}

/** What goes into the initialize result's `_meta`. */
export function manifestMeta(jws: string): Record<string, unknown> {
  return { [MANIFEST_META_KEY]: { jws, url: MANIFEST_PATH } };
}

type Handshake = (request: unknown) => Record<string, unknown> | Promise<Record<string, unknown>>;

/**
 * Adds the manifest to the initialize result's `_meta` (2025-era clients), keeping the SDK's own
 * negotiation: its handler runs, then `_meta` is merged. The SDK exposes no hook for this, so its
 * internal handler is looked up by name; if a future SDK renames it this fails loudly at start
 * instead of silently serving no manifest. 2026-07-28 clients have no initialize: they use
 * `/.well-known/mcp-manifest.jws`.
 */
export function withManifestMeta(server: Server, jws: string): Server {
  const internals = server as unknown as Record<string, Handshake | undefined>;
  const hooks: [method: 'initialize', internal: string][] = [['initialize', '_oninitialize']];
  for (const [method, name] of hooks) {
    const original = internals[name];
    if (typeof original !== 'function')
      throw new Error(`withManifestMeta: this MCP SDK has no ${name}; cannot add the manifest to ${method}`);
    const bound = original.bind(server);
    server.setRequestHandler(method, (async (request: unknown) => {
      const result = await bound(request);
      const meta = (result._meta ?? {}) as Record<string, unknown>;
      return { ...result, _meta: { ...meta, ...manifestMeta(jws) } };
    }) as never);
  }
  return server;
}
