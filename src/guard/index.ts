/**
 * Runtime guard building blocks shared by the gateway and securityGuard(): secret redaction,
 * output scanning, Store-backed rate limits and the audit trail.
 */

export { redactSecrets, redactValue, mergeRedactions, redactionCount, MIN_EXTRA_VALUE_LENGTH } from './redact.js';
export type { RedactOptions, RedactResult, Redaction } from './redact.js';
export {
  guardToolResult,
  guardResourceContents,
  guardPromptMessages,
  resolveOutputGuardOptions,
  warningText,
  GuardBlockedError,
  DEFAULT_MAX_SCAN_CHARS,
} from './output.js';
export type { GuardMode, OutputGuardOptions, GuardOutcome, OutputFinding } from './output.js';
export { OUTPUT_INJECTION, OUTPUT_HIDDEN, OUTPUT_PARTIAL_SCAN, OUTPUT_CODES, outputScore, chunkText } from './output-scan.js';
export {
  createRateLimiter,
  rateLimitPolicy,
  rateLimitResponse,
  principalKey,
  globToRegExp,
  RATE_LIMITED_CODE,
  RATE_LIMIT_COLLECTION,
} from './rate-limit.js';
export type { RateLimiter, RateLimitOptions, RateLimitDecision, RateLimitRule, RateLimitPolicy, PolicyDecision } from './rate-limit.js';
export { createAuditLog, summarizeAudit, formatAuditSummary, parseSince, AUDIT_DECISIONS } from './audit.js';
export type { AuditLog, AuditLogOptions, AuditEventInput, AuditRecord, AuditRow, AuditDecision, AuditEventKind } from './audit.js';
export { secretEnvValues } from './secret-env.js';
export { createCallGuards, type CallGuardSettings } from './call-guards.js';
export { GuardBlocked, type CallGuards, type CallAuditEvent, type Guarded, type GuardContext } from './hooks.js';
