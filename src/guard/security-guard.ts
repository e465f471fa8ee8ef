/**
 * securityGuard(): the runtime guard for a server built with createMcpServer. At start it runs
 * the scanner (and, given a lock, the pin comparison) over the server's own registry and
 * refuses to start on findings at or above `blockAt` unless `allowUnsafe` is set. Per call it
 * guards the output (warn by default) and writes one audit event. The server wires three calls:
 * `checkStartup(registry)` once, and `toolCall` / `resourceRead` / `promptGet` around the
 * handlers; `audit` is there for the decisions taken before a handler runs (denied, rate limited).
 */
import { readFileSync } from 'node:fs';
import type { CallToolResult, PromptMessage, ReadResourceResult } from '@modelcontextprotocol/server';
import { ConfigError } from '../errors.js';
import {
  diffLock,
  filterFindings,
  pinFindings,
  scanTools,
  severityRank,
  sortFindings,
  type AllowlistEntry,
  type Finding,
  type PinLock,
  type ScannedServer,
  type Severity,
} from '../security/index.js';
import type { Registry } from '../server/registry.js';
import { createAuditLog, type AuditDecision, type AuditEventInput, type AuditLog, type AuditLogOptions } from './audit.js';
import {
  GuardBlockedError,
  guardPromptMessages,
  guardResourceContents,
  guardToolResult,
  resolveOutputGuardOptions,
  type GuardMode,
  type OutputGuardOptions,
} from './output.js';
import { redactionCount } from './redact.js';

export interface SecurityGuardOptions {
  /** Output guard for results, resources and prompts; default `{ mode: 'warn' }`. */
  output?: Partial<Omit<OutputGuardOptions, 'toolName'>> & { mode?: GuardMode };
  /** The start-up pass over the server's own definitions. */
  startup?: {
    /** Findings at or above this severity stop the start (default `high`). */
    blockAt?: Severity;
    /** Start anyway, logging the findings (the override). */
    allowUnsafe?: boolean;
    ignore?: string[];
    allowlist?: AllowlistEntry[];
    /** A lock written by `mcp-bastion pin` (path or parsed): changed definitions stop the start like findings. */
    lock?: string | PinLock;
  };
  /** Audit trail: options for a new log, an existing log, or false. Default: stderr. */
  audit?: AuditLogOptions | AuditLog | false;
}

export interface StartupReport {
  findings: Finding[];
  /** The findings that stop the start (empty when it may proceed). */
  blocking: Finding[];
}

/** The server's own definitions fail the scan; the message lists codes and components, never stack traces. */
export class GuardStartupError extends Error {
  override readonly name = 'GuardStartupError';
  readonly code = 'GUARD_STARTUP_FINDINGS';
  readonly findings: readonly Finding[];
  constructor(findings: readonly Finding[]) {
    const list = findings.map((f) => `${f.code} ${f.severity} ${f.entity.kind} ${f.entity.name}: ${f.message}`).join('\n  ');
    super(`security guard: this server's own definitions fail the scan (set guard.startup.allowUnsafe to start anyway):\n  ${list}`);
    this.findings = findings;
  }
}

export interface CallInfo {
  /** Tool name, resource URI or prompt name. */
  name: string;
  principal: AuditEventInput['principal'];
  clientId?: string | undefined;
  arguments?: unknown;
}

export interface SecurityGuard {
  checkStartup(registry: Registry, serverName?: string): StartupReport;
  toolCall(call: CallInfo, run: () => Promise<CallToolResult>): Promise<CallToolResult>;
  /** Throws GuardBlockedError when blocked (map it to a JSON-RPC error). */
  resourceRead(call: CallInfo, run: () => Promise<ReadResourceResult>): Promise<ReadResourceResult>;
  /** Throws GuardBlockedError when blocked (map it to a JSON-RPC error). */
  promptGet<T extends { messages: PromptMessage[] }>(call: CallInfo, run: () => Promise<T>): Promise<T>;
  /** Records a decision taken before the handler ran (denied, rate_limited, quarantined). */
  audit(call: CallInfo, decision: AuditDecision, extra?: Partial<AuditEventInput>): void;
  close(): Promise<void>;
}

/** The registry as the scanner sees a server: exactly what tools/list, resources/list and prompts/list show. */
export function registryAsScannedServer(registry: Registry, name = 'self'): ScannedServer {
  const opt = <T extends object>(o: T): Partial<T> =>
    Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
  return {
    name,
    tools: [...registry.tools.values()].map((t) => ({
      name: t.name,
      ...opt({
        title: t.title,
        description: t.description,
        inputSchema: t.inputSchema,
        outputSchema: t.outputSchema,
        annotations: t.annotations,
      }),
    })),
    prompts: [...registry.prompts.values()].map((p) => ({
      name: p.name,
      ...opt({ title: p.title, description: p.description }),
      arguments: p.arguments.map((a) => ({ name: a.name, required: a.required, ...opt({ description: a.description }) })),
    })),
    resources: registry.resources
      .filter((r) => r.uri !== undefined)
      .map((r) => ({ name: r.name, ...opt({ uri: r.uri, title: r.title, description: r.description, mimeType: r.mimeType }) })),
    resourceTemplates: registry.resources
      .filter((r) => r.uriTemplate !== undefined)
      .map((r) => ({
        name: r.name,
        ...opt({ uriTemplate: r.uriTemplate, title: r.title, description: r.description, mimeType: r.mimeType }),
      })),
  };
}

function readLock(lock: string | PinLock): PinLock {
  let parsed: unknown = lock;
  if (typeof lock === 'string') {
    try {
      parsed = JSON.parse(readFileSync(lock, 'utf8'));
    } catch (err) {
      throw new ConfigError('guard.startup.lock', `cannot read ${lock}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  const l = parsed as Partial<PinLock> | null;
  if (!l || l.version !== 1 || typeof l.servers !== 'object' || l.servers === null) {
    throw new ConfigError('guard.startup.lock', 'not a lock file written by mcp-bastion pin (expected version 1 with servers)');
  }
  return l as PinLock;
}

const isAuditLog = (a: unknown): a is AuditLog => typeof a === 'object' && a !== null && typeof (a as AuditLog).record === 'function';

export function securityGuard(options: SecurityGuardOptions = {}): SecurityGuard {
  const output: OutputGuardOptions = { ...options.output, mode: options.output?.mode ?? 'warn' };
  // Validate now: a bad mode or severity is a start-up error, not a failure on the first call.
  resolveOutputGuardOptions(output, 'guard.output');
  const startup = options.startup ?? {};
  const blockAt = startup.blockAt ?? 'high';
  if (!['low', 'medium', 'high', 'critical'].includes(blockAt))
    throw new ConfigError('guard.startup.blockAt', 'expected low, medium, high or critical');
  const lock = startup.lock === undefined ? undefined : readLock(startup.lock);
  const ownsLog = options.audit !== false && !isAuditLog(options.audit);
  const log: AuditLog | undefined =
    options.audit === false
      ? undefined
      : isAuditLog(options.audit)
        ? options.audit
        : createAuditLog(options.audit ?? { destination: 'stderr' });

  const record = (call: CallInfo, decision: AuditDecision, started: number, extra: Partial<AuditEventInput> = {}): void => {
    log?.record({
      principal: call.principal,
      clientId: call.clientId,
      tool: call.name,
      decision,
      durationMs: performance.now() - started,
      arguments: call.arguments,
      ...extra,
    });
  };
  const bytes = (v: unknown): number => Buffer.byteLength(JSON.stringify(v) ?? '');

  return {
    checkStartup(registry, serverName = 'self') {
      const server = registryAsScannedServer(registry, serverName);
      let findings = filterFindings(scanTools([server]), startup);
      if (lock) findings.push(...filterFindings(pinFindings(diffLock(lock, [server])), startup));
      findings = sortFindings(findings);
      const blocking = findings.filter((f) => severityRank(f.severity) >= severityRank(blockAt));
      if (blocking.length > 0 && !startup.allowUnsafe) throw new GuardStartupError(blocking);
      return { findings, blocking };
    },

    async toolCall(call, run) {
      const started = performance.now();
      let raw: CallToolResult;
      try {
        raw = await run();
      } catch (err) {
        record(call, 'error', started);
        throw err;
      }
      const g = guardToolResult(raw, { ...output, toolName: call.name });
      const decision: AuditDecision = g.blocked ? 'blocked' : raw.isError ? 'error' : 'allowed';
      record(call, decision, started, { findings: g.findings, redactions: redactionCount(g.redactions), resultBytes: bytes(g.result) });
      return g.result;
    },

    async resourceRead(call, run) {
      const started = performance.now();
      let raw: ReadResourceResult;
      try {
        raw = await run();
      } catch (err) {
        record(call, 'error', started, { event: 'resource_read' });
        throw err;
      }
      try {
        const g = guardResourceContents(raw.contents, { ...output, toolName: call.name });
        record(call, 'allowed', started, {
          event: 'resource_read',
          findings: g.findings,
          redactions: redactionCount(g.redactions),
          resultBytes: bytes(g.result),
        });
        return { ...raw, contents: g.result };
      } catch (err) {
        if (err instanceof GuardBlockedError) record(call, 'blocked', started, { event: 'resource_read', findings: [...err.findings] });
        throw err;
      }
    },

    async promptGet(call, run) {
      const started = performance.now();
      let raw;
      try {
        raw = await run();
      } catch (err) {
        record(call, 'error', started, { event: 'prompt_get' });
        throw err;
      }
      try {
        const g = guardPromptMessages(raw.messages, { ...output, toolName: call.name });
        record(call, 'allowed', started, {
          event: 'prompt_get',
          findings: g.findings,
          redactions: redactionCount(g.redactions),
          resultBytes: bytes(g.result),
        });
        return { ...raw, messages: g.result };
      } catch (err) {
        if (err instanceof GuardBlockedError) record(call, 'blocked', started, { event: 'prompt_get', findings: [...err.findings] });
        throw err;
      }
    },

    audit(call, decision, extra = {}) {
      record(call, decision, performance.now(), { durationMs: 0, ...extra });
    },

    async close() {
      if (ownsLog) await log?.close();
    },
  };
}
