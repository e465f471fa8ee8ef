/**
 * Publisher signatures for upstream definitions. An upstream entry with `publisherKey` (or
 * `publisherJwks`) must offer only definitions its publisher signed: the signed manifest comes from
 * `manifest` (a file from `mcp-bastion sign`) or, for an http upstream, from its
 * `/.well-known/mcp-manifest.jws`. Anything not covered, changed since signing, or offered with an
 * invalid, expired or foreign signature is quarantined with reason `unsigned`.
 */

import { resolve } from 'node:path';
import { ConfigError } from '../errors.js';
import type { PinKind } from '../security/pins.js';
import { describeFieldChange } from '../security/pins.js';
import type { ScannedServer } from '../security/types.js';
import { fetchJwks, readKeyFile, resolveVerifyKey, type ManifestVerifyKey } from '../security/signing/keys.js';
import { checkSignedDefinitions, verifyManifest } from '../security/signing/manifest.js';
import { fetchPublishedManifest } from '../security/signing/findings.js';
import { readSignedFile } from '../security/signing/file.js';
import type { UpstreamConfig } from './config.js';

export type UnsignedCheck = (kind: PinKind, name: string) => string | undefined;

/** Builds, once per listing, the per-definition "why it is not covered" function; undefined when no key is configured. */
export function signatureCheck(name: string, entry: UpstreamConfig): ((live: ScannedServer) => Promise<UnsignedCheck>) | undefined {
  if (!entry.publisherKey && !entry.publisherJwks) return undefined;
  const option = `mcpServers.${name}.${entry.publisherKey ? 'publisherKey' : 'publisherJwks'}`;
  let key: Promise<ManifestVerifyKey> | undefined;
  const getKey = (): Promise<ManifestVerifyKey> =>
    (key ??= entry.publisherKey
      ? Promise.resolve(
          resolveVerifyKey(
            entry.publisherKey.trim().startsWith('-----') || entry.publisherKey.trim().startsWith('{')
              ? entry.publisherKey
              : readKeyFile(resolve(entry.publisherKey), option),
            option,
          ),
        )
      : fetchJwks(entry.publisherJwks!, {}, option));
  if (!entry.manifest && !entry.url)
    throw new ConfigError(
      `mcpServers.${name}.manifest`,
      'a stdio upstream with a publisher key needs the signed manifest file (from mcp-bastion sign)',
    );

  return async (live) => {
    let jws: string | undefined;
    let problem: string | undefined;
    if (entry.manifest) {
      try {
        const signed = readSignedFile(resolve(entry.manifest));
        jws = (signed.find((s) => !s.server || s.server.name === live.name) ?? signed[0])?.signature;
      } catch (e) {
        problem = (e as Error).message;
      }
    } else {
      const got = await fetchPublishedManifest(entry.url!);
      jws = got.jws;
      problem = got.problem;
    }
    let verified;
    try {
      verified = jws ? await verifyManifest(jws, await getKey()) : undefined;
    } catch (e) {
      problem = (e as Error).message;
    }
    if (!verified || !verified.ok) {
      const why = `no valid publisher signature: ${verified?.problems.join('; ') ?? problem ?? 'no signed manifest'}`;
      return () => why;
    }
    const coverage = checkSignedDefinitions(live, verified);
    const byKey = new Map(coverage.entries.map((e) => [`${e.kind}/${e.name}`, e]));
    return (kind, defName) => {
      const e = byKey.get(`${kind}/${defName}`);
      if (!e || e.status === 'covered') return undefined;
      if (e.status === 'uncovered') return 'not covered by the publisher signature';
      return `differs from the signed definition: ${e.changes.map(describeFieldChange).join('; ')}`;
    };
  };
}
