/**
 * For a gateway with a per-upstream `publisherKey`: keep what the publisher signed, unchanged,
 * and quarantine the rest with a reason a person can read.
 */

import { describeFieldChange, type PinKind } from '../pins.js';
import type { ScannedServer } from '../types.js';
import { checkSignedDefinitions, type VerifiedManifest } from './manifest.js';

export interface Quarantined {
  kind: PinKind;
  name: string;
  reason: string;
}

export function partitionBySignature(
  live: ScannedServer,
  verified: VerifiedManifest,
): { allowed: ScannedServer; quarantined: Quarantined[] } {
  const coverage = checkSignedDefinitions(live, verified);
  const covered = new Set(coverage.entries.filter((e) => e.status === 'covered').map((e) => `${e.kind}\u0000${e.name}`));
  const keep = <T extends { name: string }>(kind: PinKind, list: T[] | undefined): T[] =>
    (list ?? []).filter((d) => covered.has(`${kind}\u0000${d.name}`));
  const quarantined = coverage.entries
    .filter((e) => e.status !== 'covered')
    .map((e) => ({
      kind: e.kind,
      name: e.name,
      reason:
        e.status === 'mismatch'
          ? `differs from the signed definition: ${e.changes.map(describeFieldChange).join('; ')}`
          : verified.ok
            ? 'not in the signed manifest'
            : `no valid signature: ${verified.problems.join('; ')}`,
    }));
  const allowed: ScannedServer = {
    ...live,
    tools: keep('tool', live.tools),
    prompts: keep('prompt', live.prompts),
    resources: keep('resource', live.resources),
    resourceTemplates: keep('resource', live.resourceTemplates),
  };
  return { allowed, quarantined };
}
