/**
 * The signed manifest file (`tools.signed.json`): the ordinary tools manifest with the JWS beside
 * it, `{ server, version?, tools, prompts?, resources?, resourceTemplates?, signature }` (or an
 * array of those). It stays a valid `--tools-file` for `scan`, a person can read it, and `verify`
 * compares the readable copy against what was signed, so editing the copy is caught. A bare
 * compact JWS (what `/.well-known/mcp-manifest.jws` serves) is read too.
 */

import { readFileSync } from 'node:fs';
import { ConfigError } from '../../errors.js';
import { parseManifest } from '../connect/manifest.js';
import { MANIFEST_TYP } from './manifest.js';
import type { ManifestServer } from './manifest.js';

export interface SignedManifestEntry {
  /** The readable definitions next to the signature; undefined for a bare JWS. */
  server?: ManifestServer;
  signature: string;
}

const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*$/;

export function signedFileDocument(server: ManifestServer, signature: string): Record<string, unknown> {
  return {
    server: server.name,
    ...(server.version ? { version: server.version } : {}),
    tools: server.tools,
    ...(server.prompts?.length ? { prompts: server.prompts } : {}),
    ...(server.resources?.length ? { resources: server.resources } : {}),
    ...(server.resourceTemplates?.length ? { resourceTemplates: server.resourceTemplates } : {}),
    signature,
    signatureType: MANIFEST_TYP,
  };
}

export function parseSignedFile(text: string, source: string): SignedManifestEntry[] {
  const trimmed = text.trim();
  if (COMPACT_JWS.test(trimmed)) return [{ signature: trimmed }];
  let doc: unknown;
  try {
    doc = JSON.parse(trimmed);
  } catch {
    throw new ConfigError(source, 'neither a compact JWS nor a JSON signed manifest');
  }
  const list = Array.isArray(doc) ? doc : [doc];
  const servers = parseManifest(list, source);
  return list.map((m, i) => {
    const signature = (m as { signature?: unknown }).signature;
    if (typeof signature !== 'string' || !COMPACT_JWS.test(signature.trim()))
      throw new ConfigError(source, `entry ${i + 1} has no "signature" (a compact JWS); sign it with \`mcp-bastion sign\``);
    const version = (m as { version?: unknown }).version;
    const server = servers[i] as ManifestServer;
    return { server: { ...server, ...(typeof version === 'string' ? { version } : {}) }, signature: signature.trim() };
  });
}

export function readSignedFile(path: string): SignedManifestEntry[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new ConfigError(path, `cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  return parseSignedFile(text, path);
}

/** Signatures carried inside a manifest read by `scan --tools-file`, by server name. */
export function signaturesIn(doc: unknown): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of Array.isArray(doc) ? doc : [doc]) {
    const o = m as { server?: unknown; signature?: unknown };
    if (typeof o?.server === 'string' && typeof o.signature === 'string') out.set(o.server, o.signature.trim());
  }
  return out;
}
