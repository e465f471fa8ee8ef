/**
 * The gateway's CallGuards built from its config with the runtime guard library (src/guard): rate
 * limits over the Store, output scanning and secret redaction, and the audit trail.
 */

import type { Logger } from '../log.js';
import type { Store } from '../storage/types.js';
import { createAuditLog, guardPromptMessages, guardResourceContents, guardToolResult, GuardBlockedError, principalKey, rateLimitPolicy } from '../guard/index.js';
import type { GatewayConfig } from './config.js';
import type { CallGuards } from './guards.js';
import { GuardBlocked } from './surface.js';

/** Secret values the gateway itself holds (its env, upstream env and headers): never to be echoed to a client. */
export function ownSecretValues(config: GatewayConfig, env: NodeJS.ProcessEnv = process.env): string[] {
  const values = new Set<string>();
  for (const entry of Object.values(config.mcpServers)) {
    for (const v of Object.values(entry.env ?? {})) values.add(v);
    for (const v of Object.values(entry.headers ?? {})) values.add(v.replace(/^Bearer\s+/i, ''));
  }
  for (const [k, v] of Object.entries(env)) if (v && /KEY|TOKEN|SECRET|PASSWORD|PASSWD|CREDENTIAL/i.test(k)) values.add(v);
  return [...values].filter((v) => v.length >= 8);
}

export function createCallGuards(config: GatewayConfig, store: Store, logger: Logger): CallGuards {
  const limits = rateLimitPolicy(
    config.rateLimits.map((r) => ({ match: r.match, ...(r.perPrincipal ? { perPrincipal: r.perPrincipal } : {}), ...(r.total ? { total: r.total } : {}) })),
    store,
  );
  const audit = createAuditLog({ destination: config.audit.file ? { file: config.audit.file } : 'stderr', includeArguments: config.audit.includeArguments });
  const secrets = ownSecretValues(config);
  const outputOptions = (toolName: string) => ({
    mode: config.output.mode,
    blockAt: config.scan.blockAt,
    redact: config.output.redactSecrets,
    extraSecretValues: secrets,
    toolName,
  });
  const size = (v: unknown) => Buffer.byteLength(JSON.stringify(v) ?? '', 'utf8');
  const note = (what: string, tool: string, findings: readonly { code: string }[], redactions: number) => {
    if (findings.length > 0 || redactions > 0)
      logger.warn({ event: 'output_guard', what, tool, codes: findings.map((f) => f.code), redactions }, `output of ${tool}: ${findings.length} finding(s), ${redactions} redaction(s)`);
  };
  const count = (r: readonly { count: number }[]) => r.reduce((n, x) => n + x.count, 0);

  return {
    async beforeCall(principal, tool) {
      const d = await limits.consume({ tool, principal: principalKey(principal) });
      return d.allowed ? { allowed: true } : { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(d.retryAfterSeconds)) };
    },
    async toolResult(result, ctx) {
      const g = guardToolResult(result, outputOptions(ctx.tool));
      const redactions = count(g.redactions);
      note('tool', ctx.tool, g.findings, redactions);
      return { result: g.result, findings: g.findings.map((f) => f.code), redactions, blocked: g.blocked, bytes: size(g.result) };
    },
    async resourceContents(result, ctx) {
      try {
        const g = guardResourceContents(result.contents, outputOptions(ctx.tool));
        const redactions = count(g.redactions);
        note('resource', ctx.tool, g.findings, redactions);
        const out = { ...result, contents: g.contents as typeof result.contents };
        return { result: out, findings: g.findings.map((f) => f.code), redactions, blocked: false, bytes: size(out) };
      } catch (e) {
        if (e instanceof GuardBlockedError) throw new GuardBlocked(e.message, e.findings.map((f) => f.code));
        throw e;
      }
    },
    async promptMessages(result, ctx) {
      try {
        const g = guardPromptMessages(result.messages, outputOptions(ctx.tool));
        const redactions = count(g.redactions);
        note('prompt', ctx.tool, g.findings, redactions);
        const out = { ...result, messages: g.messages as typeof result.messages };
        return { result: out, findings: g.findings.map((f) => f.code), redactions, blocked: false, bytes: size(out) };
      } catch (e) {
        if (e instanceof GuardBlockedError) throw new GuardBlocked(e.message, e.findings.map((f) => f.code));
        throw e;
      }
    },
    audit(event) {
      audit.record({
        event: event.event,
        principal: { kind: event.principal.kind, subject: event.principal.subject, ...(typeof event.principal.claims.iss === 'string' ? { issuer: event.principal.claims.iss } : {}) },
        clientId: event.principal.clientId,
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
