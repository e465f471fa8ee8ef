/**
 * securityGuard(): the runtime layer inside our own server. At start, the server's own definitions
 * go through the scanner (and, with a lock file, are compared with the pins): a server whose tools
 * fail refuses to start. Around every call: rate limits, output scanning with secret redaction, and
 * one audit event, with the same code the gateway uses.
 */

import { existsSync, readFileSync } from 'node:fs';
import { ConfigError } from '../errors.js';
import type { Logger } from '../log.js';
import type { Store } from '../storage/types.js';
import { createMemoryStore } from '../storage/index.js';
import { scanTools } from '../security/scan.js';
import { describeFieldChange, diffLock, type PinLock } from '../security/pins.js';
import { severityRank, type Severity } from '../security/types.js';
import { createCallGuards, envSecretValues } from '../guard/call-guards.js';
import type { CallGuards } from '../guard/hooks.js';
import type { GuardMode } from '../guard/output.js';
import type { RateLimitRule } from '../guard/rate-limit.js';
import type { Registry } from './registry.js';
import { registryManifest } from './signed-manifest.js';

export interface SecurityGuardOptions {
  /** A scan finding on our own definitions at or above this severity refuses start (default `high`). */
  readonly blockAt?: Severity | undefined;
  /** Finding codes accepted for our own definitions (reviewed and intended). */
  readonly accept?: readonly string[] | undefined;
  /** Start anyway when our own definitions fail the scan; the findings are logged as errors. */
  readonly allowFindings?: boolean | undefined;
  /** A lock file (`mcp-bastion pin` format): a definition that differs from it refuses start. */
  readonly lockFile?: string | undefined;
  /** Output scanning of tool results, resources and prompts: `warn` (default), `block` or `off`. */
  readonly output?: GuardMode | undefined;
  /** Mask secrets in results (default true). */
  readonly redactSecrets?: boolean | undefined;
  /** Characters of each result scored for injections (default 256 KiB; the rest is still redacted and marked OI003). */
  readonly maxScanChars?: number | undefined;
  /** Per-tool rate limits (first matching glob applies). */
  readonly rateLimits?: readonly RateLimitRule[] | undefined;
  /** Audit events to a file; default: the server's logger stream on stderr. */
  readonly audit?: { readonly file?: string | undefined; readonly includeArguments?: boolean | undefined } | undefined;
  /** Store for rate-limit counters (a Redis store makes them global); default: in memory. */
  readonly store?: Store | undefined;
}

export interface SecurityGuard {
  readonly kind: 'security-guard';
  readonly options: SecurityGuardOptions;
}

/** The guard's settings for `createMcpServer({ guard })`; on by default with `warn`. */
export function securityGuard(options: SecurityGuardOptions = {}): SecurityGuard {
  return { kind: 'security-guard', options };
}

/** The start-up pass. Throws ConfigError (option `guard`) naming each failing definition. */
export function checkOwnDefinitions(name: string, registry: Registry, options: SecurityGuardOptions, logger: Logger): void {
  const server = registryManifest(registry, name, '0');
  const blockAt = options.blockAt ?? 'high';
  const accepted = new Set(options.accept ?? []);
  const failing = scanTools([server]).filter((f) => severityRank(f.severity) >= severityRank(blockAt) && !accepted.has(f.code));
  if (options.lockFile) {
    if (!existsSync(options.lockFile))
      throw new ConfigError('guard.lockFile', `${options.lockFile} does not exist (create it with mcp-bastion pin)`);
    let lock: PinLock;
    try {
      lock = JSON.parse(readFileSync(options.lockFile, 'utf8')) as PinLock;
    } catch (e) {
      throw new ConfigError('guard.lockFile', `${options.lockFile} is not valid JSON: ${(e as Error).message}`);
    }
    for (const c of diffLock(lock, [server])) {
      failing.push({
        code: 'PN001',
        severity: 'high',
        server: name,
        entity: { kind: c.kind, name: c.name },
        message: `${c.kind} "${c.name}" ${c.type} since it was pinned${c.fields.length ? `: ${c.fields.map(describeFieldChange).join('; ')}` : ''}`,
        evidence: '',
      });
    }
  }
  if (failing.length === 0) return;
  const lines = failing.map((f) => `${f.entity.kind} ${f.entity.name}: ${f.code} (${f.severity}) ${f.message}`);
  if (options.allowFindings) {
    for (const f of failing) logger.error({ event: 'own_definition_finding', code: f.code, entity: f.entity }, f.message);
    return;
  }
  throw new ConfigError(
    'guard',
    `this server's own definitions fail the security scan:\n  ${lines.join('\n  ')}\nFix them, accept the codes with securityGuard({ accept: [...] }), or start anyway with allowFindings: true`,
  );
}

/** The per-call guards of a server built with createMcpServer. */
export function ownCallGuards(options: SecurityGuardOptions, logger: Logger): { guards: CallGuards; close(): Promise<void> } {
  const store = options.store ?? createMemoryStore();
  const guards = createCallGuards(
    {
      rateLimits: options.rateLimits ?? [],
      output: {
        mode: options.output ?? 'warn',
        redactSecrets: options.redactSecrets ?? true,
        blockAt: options.blockAt ?? 'high',
        ...(options.maxScanChars !== undefined ? { maxScanChars: options.maxScanChars } : {}),
      },
      audit: { file: options.audit?.file, includeArguments: options.audit?.includeArguments ?? false },
      secretValues: envSecretValues(),
    },
    store,
    logger,
  );
  return {
    guards,
    async close() {
      await guards.close();
      if (options.store === undefined) await store.close();
    },
  };
}
