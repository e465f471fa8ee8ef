/**
 * The union of every upstream's components under namespaced names (`<server><sep><name>`), each with
 * its quarantine status and policy checks. Rebuilt for one server whenever that server's listing
 * changes; the metadata scan runs over all servers together so cross-server shadowing is seen.
 */

import type { Logger } from '../log.js';
import type { AuthCheck } from '../auth/authorization.js';
import { scanTools } from '../security/scan.js';
import {
  severityRank,
  type Finding,
  type PromptDef,
  type ResourceDef,
  type Severity,
  type ToolDef,
  type ScannedServer,
} from '../security/types.js';
import type { PinKind } from '../security/pins.js';
import type { CompiledPolicy } from './policy.js';
import type { EntityInput, EntityStatus, PinBook } from './quarantine.js';
import type { Listing } from './upstream.js';

const TOOL_NAME = /^[A-Za-z0-9_.-]{1,128}$/;

interface EntryBase {
  /** Namespaced name clients see. */
  readonly name: string;
  readonly upstream: string;
  /** The upstream's own name (or URI for resources). */
  readonly original: string;
  readonly tags: readonly string[];
  readonly checks: readonly AuthCheck[];
  status: EntityStatus;
  readonly input: EntityInput;
}

export interface GatewayTool extends EntryBase {
  readonly kind: 'tool';
  readonly def: ToolDef;
}
export interface GatewayPrompt extends EntryBase {
  readonly kind: 'prompt';
  readonly def: PromptDef;
}
export interface GatewayResource extends EntryBase {
  readonly kind: 'resource';
  readonly def: ResourceDef;
}

export interface Catalog {
  readonly tools: ReadonlyMap<string, GatewayTool>;
  readonly prompts: ReadonlyMap<string, GatewayPrompt>;
  /** By URI (static) or template string, for the ones exactly one server offers. */
  readonly resources: ReadonlyMap<string, GatewayResource>;
  /** URIs and templates several servers offer, with those servers: served by none (one could answer for another). */
  readonly contested: ReadonlyMap<string, readonly string[]>;
  update(server: string, listing: Listing): Promise<void>;
  /** Findings of the last metadata scan, all servers together. */
  readonly findings: readonly Finding[];
}

export interface CatalogOptions {
  readonly separator: string;
  readonly blockAt: Severity;
  readonly policy: CompiledPolicy;
  readonly pins: PinBook;
  readonly logger: Logger;
  readonly trustOnFirstUse: (server: string) => boolean;
  /** Per listing: why each definition is not covered by its publisher's signature (servers with a publisher key only). */
  readonly signatures?:
    ((server: string, live: ScannedServer) => Promise<((kind: PinKind, name: string) => string | undefined) | undefined>) | undefined;
}

export function createCatalog(opts: CatalogOptions): Catalog {
  const { separator, logger } = opts;
  const listings = new Map<string, Listing>();
  const tools = new Map<string, GatewayTool>();
  const prompts = new Map<string, GatewayPrompt>();
  const resources = new Map<string, GatewayResource>();
  const ownResources = new Map<string, Map<string, GatewayResource>>();
  const contested = new Map<string, string[]>();
  let findings: Finding[] = [];
  const signatures = new Map<string, string>();
  let queue: Promise<void> = Promise.resolve();

  const scanned = (server: string, l: Listing): ScannedServer => ({
    name: server,
    tools: [...l.tools],
    prompts: [...l.prompts],
    resources: [...l.resources],
    resourceTemplates: [...l.resourceTemplates],
    ...(l.instructions ? { instructions: l.instructions } : {}),
  });

  function blockingFor(server: string, kind: PinKind, name: string) {
    return findings
      .filter(
        (f) =>
          f.server === server && f.entity.kind === kind && f.entity.name === name && severityRank(f.severity) >= severityRank(opts.blockAt),
      )
      .map((f) => ({ code: f.code, severity: f.severity, message: f.message }));
  }

  async function rebuild(server: string, listing: Listing): Promise<void> {
    listings.set(server, listing);
    findings = scanTools([...listings].map(([name, l]) => scanned(name, l)));
    const serverBlocking = findings.filter(
      (f) =>
        f.server === server &&
        (f.entity.kind === 'server' || f.entity.kind === 'config') &&
        severityRank(f.severity) >= severityRank(opts.blockAt),
    );
    for (const f of serverBlocking) logger.warn({ event: 'upstream_finding', server, code: f.code, severity: f.severity }, f.message);

    // Cross-server findings (shadowing, look-alike names) depend on every listing: a server that
    // listed before the one it shadows must be reviewed again once that one arrives (or leaves).
    for (const [other, l] of listings) {
      const signature = blockingSignature(other);
      if (other !== server && signature === signatures.get(other)) continue;
      signatures.set(other, signature);
      await review(other, l);
    }
  }

  /** The blocking findings of one server's components, as a comparable string. */
  function blockingSignature(server: string): string {
    return JSON.stringify(
      findings
        .filter((f) => f.server === server && f.entity.kind !== 'server' && f.entity.kind !== 'config')
        .filter((f) => severityRank(f.severity) >= severityRank(opts.blockAt))
        .map((f) => [f.entity.kind, f.entity.name, f.code])
        .sort(),
    );
  }

  async function review(server: string, listing: Listing): Promise<void> {
    const inputs: { kind: PinKind; def: ToolDef | PromptDef | ResourceDef; key: string }[] = [
      ...listing.tools.map((def) => ({ kind: 'tool' as const, def, key: def.name })),
      ...listing.prompts.map((def) => ({ kind: 'prompt' as const, def, key: def.name })),
      ...[...listing.resources, ...listing.resourceTemplates].map((def) => ({
        kind: 'resource' as const,
        def,
        key: def.uri ?? def.uriTemplate ?? def.name,
      })),
    ];
    const unsigned = await opts.signatures?.(server, scanned(server, listing));
    const entities: EntityInput[] = inputs.map(({ kind, def, key }) => ({
      kind,
      def,
      key,
      blocking: blockingFor(server, kind, def.name),
      unsigned: unsigned?.(kind, def.name),
    }));
    const statuses = await opts.pins.review(server, entities, { trustOnFirstUse: opts.trustOnFirstUse(server) });

    for (const map of [tools, prompts] as Map<string, EntryBase>[]) for (const [k, v] of map) if (v.upstream === server) map.delete(k);
    const own = new Map<string, GatewayResource>();
    ownResources.set(server, own);

    entities.forEach((input, i) => {
      const { kind, def, key } = inputs[i]!;
      const name = `${server}${separator}${def.name}`;
      const status = statuses.get(`${server}/${kind}/${key}`) ?? { usable: false, reason: 'new', detail: 'not reviewed' };
      if (opts.policy.denied(name)) return;
      const base = { name, upstream: server, original: key, tags: [server], checks: opts.policy.checksFor(name), status, input };
      if (kind === 'tool') {
        if (!TOOL_NAME.test(name)) {
          logger.warn(
            { event: 'tool_name_invalid', server, tool: def.name },
            `tool ${name} is not a valid MCP tool name (1-128 of A-Z a-z 0-9 _ . -); left out`,
          );
          return;
        }
        tools.set(name, { ...base, kind, def: def as ToolDef });
      } else if (kind === 'prompt') {
        prompts.set(name, { ...base, kind, def: def as PromptDef });
      } else {
        own.set(key, { ...base, kind, def: def as ResourceDef });
      }
    });
    rebuildResources();
  }

  /** URIs are not namespaced, so a URI two servers claim goes to neither: whichever listed first must not win. */
  function rebuildResources(): void {
    const claims = new Map<string, GatewayResource[]>();
    for (const own of ownResources.values()) for (const [key, r] of own) claims.set(key, [...(claims.get(key) ?? []), r]);
    resources.clear();
    for (const [key, list] of claims) {
      if (list.length === 1) {
        resources.set(key, list[0]!);
        continue;
      }
      const servers = list.map((r) => r.upstream).sort();
      if (contested.get(key)?.join() !== servers.join())
        logger.warn(
          { event: 'resource_clash', uri: key, servers },
          `resource ${key} is offered by ${servers.join(' and ')}; served by none of them, since one could answer for another`,
        );
      contested.set(key, servers);
    }
    for (const key of contested.keys()) if ((claims.get(key)?.length ?? 0) < 2) contested.delete(key);
  }

  return {
    tools,
    prompts,
    resources,
    contested,
    get findings() {
      return findings;
    },
    update(server, listing) {
      // Listings arrive concurrently (startup, list_changed); rebuild one at a time.
      queue = queue.then(() => rebuild(server, listing)).catch((e: unknown) => logger.error({ err: e, server }, 'catalog update failed'));
      return queue;
    },
  };
}

/** Cross-server name findings worth printing at start: duplicates and look-alikes across servers. */
export function nameClashes(findings: readonly Finding[]): Finding[] {
  return findings.filter((f) => f.code.startsWith('SH'));
}
