/**
 * `scan --require-signature`: every tool, prompt and resource must be covered, unchanged, by a
 * valid signature from the publisher's key. Signatures come from the manifest file itself
 * (`signature` beside the definitions) or, for `--url` servers, from the server's
 * `/.well-known/mcp-manifest.jws`.
 */

import { readFileSync } from 'node:fs';
import { describeFieldChange } from '../pins.js';
import { safeFetch, SafeFetchError } from '../../net/safe-fetch.js';
import type { Finding, ScannedServer } from '../types.js';
import { signaturesIn } from './file.js';
import type { ManifestVerifyKey } from './keys.js';
import { checkSignedDefinitions, verifyManifest } from './manifest.js';

export const WELL_KNOWN_MANIFEST_PATH = '/.well-known/mcp-manifest.jws';

/** Signatures embedded in `--tools-file` manifests, keyed by server name. Unreadable files were already reported by the scan. */
export function signaturesFromFiles(paths: string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const p of paths) {
    try {
      for (const [k, v] of signaturesIn(JSON.parse(readFileSync(p, 'utf8')))) out.set(k, v);
    } catch {
      // the manifest loader reports broken files with a proper message
    }
  }
  return out;
}

/** The signed manifest a running server publishes next to its MCP endpoint. */
export async function fetchPublishedManifest(mcpUrl: string): Promise<{ jws?: string; problem?: string }> {
  let url: URL;
  try {
    url = new URL(WELL_KNOWN_MANIFEST_PATH, mcpUrl);
  } catch {
    return { problem: `invalid server URL ${mcpUrl}` };
  }
  try {
    // The person running the scan chose this server, so loopback is fine; private ranges stay blocked.
    const res = await safeFetch(url, { allowLoopback: true, headers: { accept: 'application/jose' }, maxBytes: 4 * 1024 * 1024 });
    if (res.status === 404) return { problem: `the server publishes no signed manifest (${url.href} answered 404)` };
    if (res.status !== 200) return { problem: `${url.href} answered HTTP ${res.status}` };
    return { jws: res.body.trim() };
  } catch (e) {
    return { problem: `cannot fetch ${url.href}: ${e instanceof SafeFetchError ? e.message : String(e)}` };
  }
}

export interface SignatureScanOptions {
  key: ManifestVerifyKey;
  /** Signatures by server name (from manifest files). */
  signatures: Map<string, string>;
  fetchPublished?: (mcpUrl: string) => Promise<{ jws?: string; problem?: string }>;
}

export async function signatureFindings(servers: ScannedServer[], o: SignatureScanOptions): Promise<Finding[]> {
  const findings: Finding[] = [];
  for (const s of servers) {
    let jws = o.signatures.get(s.name);
    let problem: string | undefined;
    if (jws === undefined && s.config?.url) ({ jws, problem } = await (o.fetchPublished ?? fetchPublishedManifest)(s.config.url));
    const verified = jws === undefined ? undefined : await verifyManifest(jws, o.key);
    problem ??= jws === undefined ? 'no signed manifest for this server' : verified?.problems.join('; ');
    if (!verified?.ok) {
      findings.push({
        code: 'SG003',
        severity: 'high',
        server: s.name,
        entity: { kind: 'server', name: s.name },
        message: `server "${s.name}" has no valid signed manifest: ${problem}.`,
        evidence: problem ?? 'signature invalid',
      });
    }
    const coverage = checkSignedDefinitions(
      s,
      verified ?? { ok: false, definitions: { tool: {}, prompt: {}, resource: {} }, problems: [] },
    );
    for (const e of coverage.entries) {
      if (e.status === 'covered') continue;
      const entity = { kind: e.kind, name: e.name };
      if (e.status === 'mismatch') {
        findings.push({
          code: 'SG002',
          severity: 'high',
          server: s.name,
          entity,
          message: `${e.kind} "${e.name}" differs from its signed definition: ${e.changes.map((c) => c.path).join(', ')}.`,
          evidence: e.changes.map(describeFieldChange).join('\n'),
          changes: e.changes,
        });
      } else {
        findings.push({
          code: 'SG001',
          severity: 'high',
          server: s.name,
          entity,
          message: `${e.kind} "${e.name}" is not covered by a valid signature.`,
          evidence: verified?.ok ? 'not in the signed manifest' : (problem ?? 'no valid signature'),
        });
      }
    }
  }
  return findings;
}
