/**
 * CallGuards from plain settings: rate limits over the Store, output scanning and secret redaction,
 * and the audit trail. One builder for the gateway (settings from its config) and for
 * securityGuard() in our own servers, so both enforce exactly the same rules.
 */

import type { Logger } from '../log.js';
import type { Store } from '../storage/types.js';
import type { Severity } from '../security/types.js';
import { createAuditLog } from './audit.js';
import { guardPromptMessages, guardResourceContents, guardToolResult, GuardBlockedError, type GuardMode } from './output.js';
import { principalKey, rateLimitPolicy, type RateLimitRule } from './rate-limit.js';
import { GuardBlocked, type CallGuards, type Guarded } from './hooks.js';
import { secretEnvValues } from './secret-env.js';

export interface CallGuardSettings {
  readonly rateLimits: readonly RateLimitRule[];
  readonly output: {
    readonly mode: GuardMode;
    readonly redactSecrets: boolean;
    readonly blockAt: Severity;
    readonly maxScanChars?: number;
  };
  /** Audit destination: a file, or else the logger (one `audit` event per call). */
  readonly audit: { readonly file?: string | undefined; readonly includeArguments: boolean };
  /** Exact secret values to mask besides the built-in formats. */
  readonly secretValues: readonly string[];
}

/** The secret values of an environment worth masking (secret-named variables, passwords in credentialed URLs). */
export function envSecretValues(env: NodeJS.ProcessEnv = process.env): string[] {
  return secretEnvValues(env);
}

export function createCallGuards(settings: CallGuardSettings, store: Store, logger: Logger): CallGuards {
  const limits = rateLimitPolicy([...settings.rateLimits], store);
  const audit = createAuditLog({
    destination: settings.audit.file ? { file: settings.audit.file } : { logger },
    includeArguments: settings.audit.includeArguments,
    extraSecretValues: settings.secretValues,
  });
  const secrets = [...new Set(settings.secretValues)].filter((v) => v.length >= 8);
  const outputOptions = (toolName: string) => ({
    mode: settings.output.mode,
    blockAt: settings.output.blockAt,
    redact: settings.output.redactSecrets,
    extraSecretValues: secrets,
    toolName,
    maxScanChars: settings.output.maxScanChars,
  });
  const size = (v: unknown) => Buffer.byteLength(JSON.stringify(v) ?? '', 'utf8');
  const count = (r: readonly { count: number }[]) => r.reduce((n, x) => n + x.count, 0);
  const note = (what: string, tool: string, findings: readonly { code: string }[], redactions: number) => {
    if (findings.length > 0 || redactions > 0)
      logger.warn(
        { event: 'output_guard', what, tool, codes: findings.map((f) => f.code), redactions },
        `output of ${tool}: ${findings.length} finding(s), ${redactions} redaction(s)`,
      );
  };
  /** Resource and prompt guards throw when blocking; the surfaces map GuardBlocked to a JSON-RPC error. */
  const guarded = <T>(run: () => T): T => {
    try {
      return run();
    } catch (e) {
      if (e instanceof GuardBlockedError)
        throw new GuardBlocked(
          e.message,
          e.findings.map((f) => f.code),
        );
      throw e;
    }
  };
  const outcome = <R, T>(
    what: string,
    tool: string,
    g: { result: R; findings: readonly { code: string }[]; redactions: readonly { count: number }[]; blocked: boolean },
    wrap: (r: R) => T,
  ): Guarded<T> => {
    const redactions = count(g.redactions);
    note(what, tool, g.findings, redactions);
    const result = wrap(g.result);
    return { result, findings: g.findings.map((f) => f.code), redactions, blocked: g.blocked, bytes: size(result) };
  };

  return {
    async beforeCall(principal, tool) {
      const d = await limits.consume({ tool, principal: principalKey(principal) });
      return d.allowed ? { allowed: true } : { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(d.retryAfterSeconds)) };
    },
    async toolResult(result, ctx) {
      return outcome('tool', ctx.tool, guardToolResult(result, outputOptions(ctx.tool)), (r) => r);
    },
    async resourceContents(result, ctx) {
      const contents = result.contents as Parameters<typeof guardResourceContents>[0];
      return outcome(
        'resource',
        ctx.tool,
        guarded(() => guardResourceContents(contents, outputOptions(ctx.tool))),
        (r) => ({
          ...result,
          contents: r as typeof result.contents,
        }),
      );
    },
    async promptMessages(result, ctx) {
      const messages = result.messages as Parameters<typeof guardPromptMessages>[0];
      return outcome(
        'prompt',
        ctx.tool,
        guarded(() => guardPromptMessages(messages, outputOptions(ctx.tool))),
        (r) => ({
          ...result,
          messages: r as typeof result.messages,
        }),
      );
    },
    audit(event) {
      const p = event.principal;
      audit.record({
        event: event.event,
        principal: { kind: p.kind, subject: p.subject, ...(typeof p.claims.iss === 'string' ? { issuer: p.claims.iss } : {}) },
        clientId: p.clientId,
        tool: event.tool,
        upstream: event.upstream,
        decision: event.decision,
        durationMs: event.durationMs,
        findings: [...event.findings],
        redactions: event.redactions,
        resultBytes: event.resultBytes,
        arguments: event.arguments,
      });
    },
    close: () => audit.close(),
  };
}
