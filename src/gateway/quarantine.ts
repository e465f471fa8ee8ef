/**
 * Pins and auto-quarantine against rug pulls. Every upstream definition is hashed in the canonical
 * form of `mcp-bastion pin`; a definition is usable only while its hash equals an approved pin and it
 * carries no unaccepted blocking finding. New and changed definitions wait, hidden, until someone
 * approves them. Pins and pending definitions live in the Store, so gateway instances sharing a
 * Redis (or one file store) agree, and `mcp-bastion gateway approve` can act on a running gateway.
 */

import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import type { Store } from '../storage/types.js';
import type { Logger } from '../log.js';
import { describeFieldChange, diffValues, hashEntity, pinnedDefinition, type PinKind, type PinLock } from '../security/pins.js';
import type { PromptDef, ResourceDef, ToolDef } from '../security/types.js';

export const PINS = 'gateway-pins';
export const PENDING = 'gateway-pending';

export interface BlockingFinding {
  readonly code: string;
  readonly severity: string;
  readonly message: string;
}

export interface PinRecord {
  readonly hash: string;
  readonly definition: Record<string, unknown>;
  readonly approvedAt: string;
  readonly approvedBy: string;
  /** Finding codes an operator accepted together with this exact definition. */
  readonly acceptedFindings: readonly string[];
}

export type QuarantineReason = 'new' | 'changed' | 'finding' | 'unsigned';

export interface PendingRecord {
  readonly server: string;
  readonly kind: PinKind;
  readonly name: string;
  readonly hash: string;
  readonly definition: Record<string, unknown>;
  readonly reason: QuarantineReason;
  /** Person-readable: what changed, or which finding blocks it. */
  readonly detail: string;
  readonly findings: readonly BlockingFinding[];
  readonly seenAt: string;
}

export type EntityStatus =
  { readonly usable: true } | { readonly usable: false; readonly reason: QuarantineReason; readonly detail: string };

export interface EntityInput {
  readonly kind: PinKind;
  readonly def: ToolDef | PromptDef | ResourceDef;
  /** Findings at or above the blocking severity for this entity. */
  readonly blocking: readonly BlockingFinding[];
  /** Set when a publisher signature is required and does not cover this definition. */
  readonly unsigned?: string | undefined;
  /** Identity within the server; defaults to the name (resources use their URI, since names may repeat). */
  readonly key?: string | undefined;
}

const describeFindings = (findings: readonly BlockingFinding[]): string =>
  findings.map((f) => `${f.code} (${f.severity}): ${f.message}`).join('; ');

const idOf = (input: EntityInput): string => input.key ?? input.def.name;

/** An approval named a hash other than the pending definition's (it changed after the review). */
export class ApprovalMismatchError extends Error {
  override readonly name = 'ApprovalMismatchError';
}

export const pinKey = (server: string, kind: PinKind, name: string): string => `${server}/${kind}/${name}`;

export interface PinBook {
  /** Decides every entity of one server's fresh listing, records pending ones, logs removals. */
  review(server: string, entities: readonly EntityInput[], opts: { trustOnFirstUse: boolean }): Promise<Map<string, EntityStatus>>;
  /**
   * Pins the pending definition of `server/kind/name`; undefined when nothing is pending for it.
   * With `hash` (the one the reviewer saw; 12+ leading hex digits suffice) a definition that changed
   * since the review is refused with ApprovalMismatchError instead of being pinned unseen.
   */
  approve(
    server: string,
    kind: PinKind,
    name: string,
    by: string,
    opts?: { hash?: string | undefined },
  ): Promise<PendingRecord | undefined>;
  pending(): Promise<PendingRecord[]>;
  /** Re-checks one entity against the Store (an approval elsewhere takes effect without a restart). */
  status(server: string, input: EntityInput): Promise<EntityStatus>;
}

export function createPinBook(store: Store, opts: { logger: Logger; lockFile?: string | undefined }): PinBook {
  const { logger } = opts;
  const seen = new Map<string, Set<string>>();

  async function decide(
    server: string,
    input: EntityInput,
    pin: PinRecord | undefined,
  ): Promise<{ status: EntityStatus; pending?: PendingRecord }> {
    const hash = hashEntity(input.kind, input.def);
    const definition = pinnedDefinition(input.kind, input.def);
    const base = {
      server,
      kind: input.kind,
      name: idOf(input),
      hash,
      definition,
      findings: input.blocking,
      seenAt: new Date().toISOString(),
    };
    if (input.unsigned) return quarantined({ ...base, reason: 'unsigned', detail: input.unsigned });
    // A new definition the scan blocks says so: the operator must see the finding before approving it.
    if (!pin && input.blocking.length > 0)
      return quarantined({ ...base, reason: 'finding', detail: `new definition; ${describeFindings(input.blocking)}` });
    if (!pin) return quarantined({ ...base, reason: 'new', detail: 'new definition, not approved yet' });
    if (pin.hash !== hash) {
      const changes = diffValues(pin.definition, definition).map(describeFieldChange);
      return quarantined({
        ...base,
        reason: 'changed',
        detail: `definition changed since approval: ${changes.join('; ') || 'hash differs'}`,
      });
    }
    const unaccepted = input.blocking.filter((f) => !pin.acceptedFindings.includes(f.code));
    if (unaccepted.length > 0)
      return quarantined({
        ...base,
        reason: 'finding',
        detail: describeFindings(unaccepted),
      });
    return { status: { usable: true } };
  }

  function quarantined(p: PendingRecord): { status: EntityStatus; pending: PendingRecord } {
    return { status: { usable: false, reason: p.reason, detail: p.detail }, pending: p };
  }

  async function writeLockFile(): Promise<void> {
    if (!opts.lockFile) return;
    const lock: PinLock = { version: 1, generatedAt: new Date().toISOString(), servers: {} };
    for (const key of await store.list(PINS)) {
      const pin = await store.get<PinRecord>(PINS, key);
      const [server, kind, ...rest] = key.split('/');
      if (!pin || !server || !kind) continue;
      const slot = (lock.servers[server] ??= { tool: {}, prompt: {}, resource: {} });
      slot[kind as PinKind][rest.join('/')] = { hash: pin.hash, definition: pin.definition };
    }
    const tmp = `${opts.lockFile}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(lock, null, 2) + '\n', { mode: 0o644 });
    renameSync(tmp, opts.lockFile);
  }

  const importing = importLockFile();
  async function importLockFile(): Promise<void> {
    if (!opts.lockFile || !existsSync(opts.lockFile)) return;
    let lock: PinLock;
    try {
      lock = JSON.parse(readFileSync(opts.lockFile, 'utf8')) as PinLock;
    } catch (e) {
      throw new Error(`pins.lockFile: ${opts.lockFile} is not a valid lock file: ${(e as Error).message}`);
    }
    if (lock.version !== 1 || typeof lock.servers !== 'object')
      throw new Error(`pins.lockFile: ${opts.lockFile} is not a version 1 lock file`);
    for (const [server, slot] of Object.entries(lock.servers)) {
      for (const kind of ['tool', 'prompt', 'resource'] as const) {
        for (const [name, entry] of Object.entries(slot[kind] ?? {})) {
          const key = pinKey(server, kind, name);
          const existing = await store.get<PinRecord>(PINS, key);
          if (existing?.hash === entry.hash) continue;
          await store.set(PINS, key, {
            hash: entry.hash,
            definition: entry.definition,
            approvedAt: lock.generatedAt,
            approvedBy: 'lockfile',
            acceptedFindings: [],
          });
        }
      }
    }
  }

  return {
    async review(server, entities, { trustOnFirstUse }) {
      await importing;
      const out = new Map<string, EntityStatus>();
      const existingKeys = await store.list(PINS, `${server}/`);
      const firstUse = trustOnFirstUse && existingKeys.length === 0;
      const names = new Set<string>();
      for (const input of entities) {
        const key = pinKey(server, input.kind, idOf(input));
        names.add(key);
        let pin = await store.get<PinRecord>(PINS, key);
        if (!pin && firstUse && input.blocking.length === 0 && !input.unsigned) {
          pin = {
            hash: hashEntity(input.kind, input.def),
            definition: pinnedDefinition(input.kind, input.def),
            approvedAt: new Date().toISOString(),
            approvedBy: 'trust-on-first-use',
            acceptedFindings: [],
          };
          await store.set(PINS, key, pin);
          logger.info({ event: 'pin_first_use', server, kind: input.kind, name: idOf(input) }, 'pinned on first use');
        }
        const { status, pending } = await decide(server, input, pin);
        if (pending) {
          const before = await store.get<PendingRecord>(PENDING, key);
          if (before?.hash !== pending.hash || before.reason !== pending.reason) {
            await store.set(PENDING, key, pending);
            logger.warn(
              {
                event: 'quarantined',
                server,
                kind: input.kind,
                name: idOf(input),
                reason: pending.reason,
                detail: pending.detail,
                codes: pending.findings.map((f) => f.code),
              },
              `${input.kind} ${server}/${idOf(input)} quarantined: ${pending.detail}`,
            );
          }
        } else {
          await store.delete(PENDING, key);
        }
        out.set(key, status);
      }
      const previous = seen.get(server);
      for (const key of previous ?? [])
        if (!names.has(key)) logger.warn({ event: 'definition_removed', server, key }, `${key} was removed by the upstream`);
      if (firstUse && entities.length > 0) await writeLockFile();
      seen.set(server, names);
      return out;
    },
    async approve(server, kind, name, by, approveOpts = {}) {
      await importing;
      const key = pinKey(server, kind, name);
      const pending = await store.get<PendingRecord>(PENDING, key);
      if (!pending) return undefined;
      const expected = approveOpts.hash?.toLowerCase();
      if (expected !== undefined && !(expected.length >= 12 && pending.hash.startsWith(expected)))
        throw new ApprovalMismatchError(
          `${kind} ${server}/${name} is not the definition you reviewed: pending hash ${pending.hash.slice(0, 16)}, ${
            expected.length < 12 ? 'give at least 12 hex digits of the hash' : `expected ${expected.slice(0, 16)}`
          }; review it again (mcp-bastion gateway pending)`,
        );
      const record: PinRecord = {
        hash: pending.hash,
        definition: pending.definition,
        approvedAt: new Date().toISOString(),
        approvedBy: by,
        acceptedFindings: pending.findings.map((f) => f.code),
      };
      await store.set(PINS, key, record);
      // Usability is always derived from the pins, so a change that lands after this delete is
      // quarantined again by the next review; the pending entry only carries the definition to approve.
      await store.delete(PENDING, key);
      logger.info({ event: 'pin_approved', server, kind, name, by, hash: pending.hash }, `${kind} ${server}/${name} approved`);
      await writeLockFile();
      return pending;
    },
    async pending() {
      const out: PendingRecord[] = [];
      for (const key of await store.list(PENDING)) {
        const p = await store.get<PendingRecord>(PENDING, key);
        if (p) out.push(p);
      }
      return out;
    },
    async status(server, input) {
      const pin = await store.get<PinRecord>(PINS, pinKey(server, input.kind, idOf(input)));
      return (await decide(server, input, pin)).status;
    },
  };
}
