/**
 * The audit trail: one pino JSON line per call, to stderr or a file. Events carry who (kind,
 * subject, issuer: never a token or claims), which client, which namespaced tool on which
 * upstream, the decision, duration, finding codes, redaction count and result size. Argument
 * values are recorded only with `includeArguments`, and then only after redaction.
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { pino, type DestinationStream, type Logger } from 'pino';
import { ConfigError } from '../errors.js';
import { redactionCount, redactValue, type Redaction } from './redact.js';

export type AuditDecision = 'allowed' | 'denied' | 'quarantined' | 'blocked' | 'rate_limited' | 'error';
export type AuditEventKind = 'tool_call' | 'resource_read' | 'prompt_get';

export const AUDIT_DECISIONS: readonly AuditDecision[] = ['allowed', 'denied', 'quarantined', 'blocked', 'rate_limited', 'error'];

export interface AuditEventInput {
  /** Default `tool_call`. */
  event?: AuditEventKind;
  /** Only `kind`, `subject` and the issuer (`issuer`, else `claims.iss`) are recorded. */
  principal: {
    kind: string;
    subject: string;
    issuer?: string | undefined;
    clientId?: string | undefined;
    claims?: Readonly<Record<string, unknown>> | undefined;
  };
  /** Default: `principal.clientId`. */
  clientId?: string | undefined;
  /** Namespaced tool (or resource URI, prompt name). */
  tool: string;
  upstream?: string | undefined;
  decision: AuditDecision;
  durationMs: number;
  /** Finding codes, or findings carrying a `code`. */
  findings?: ReadonlyArray<string | { code: string }> | undefined;
  redactions?: number | readonly Redaction[] | undefined;
  resultBytes?: number | undefined;
  /** Recorded only when the log was created with `includeArguments`. */
  arguments?: unknown;
}

/** One line of the audit file. */
export interface AuditRecord {
  event: AuditEventKind;
  time: string;
  principal: { kind: string; subject: string; issuer?: string };
  clientId?: string;
  tool: string;
  upstream?: string;
  decision: AuditDecision;
  durationMs: number;
  findings: string[];
  redactions: number;
  resultBytes?: number;
  arguments?: unknown;
}

export interface AuditLogOptions {
  /** `{ logger }`: one `audit` event per call through an existing pino logger (a server's own log). */
  destination: 'stderr' | { file: string } | { logger: Logger };
  /** Record argument values (after redaction). Default false. */
  includeArguments?: boolean | undefined;
  /** Secret values to mask in recorded arguments (the gateway's own env secrets). */
  extraSecretValues?: readonly string[] | undefined;
  /** Recorded arguments longer than this (JSON bytes) are replaced by their size. Default 8192. */
  maxArgumentBytes?: number | undefined;
}

export interface AuditLog {
  record(event: AuditEventInput): void;
  /** Flushes and closes the file (stderr stays open). */
  close(): Promise<void>;
}

function toRecord(e: AuditEventInput, opts: AuditLogOptions, maxArgs: number): Omit<AuditRecord, 'time'> {
  const iss = e.principal.issuer ?? (typeof e.principal.claims?.iss === 'string' ? e.principal.claims.iss : undefined);
  const rec: Omit<AuditRecord, 'time'> = {
    event: e.event ?? 'tool_call',
    principal: { kind: String(e.principal.kind), subject: String(e.principal.subject), ...(iss !== undefined ? { issuer: iss } : {}) },
    ...((e.clientId ?? e.principal.clientId) !== undefined ? { clientId: e.clientId ?? e.principal.clientId } : {}),
    tool: e.tool,
    ...(e.upstream !== undefined ? { upstream: e.upstream } : {}),
    decision: e.decision,
    durationMs: Math.round(e.durationMs * 1000) / 1000,
    findings: [...new Set((e.findings ?? []).map((f) => (typeof f === 'string' ? f : f.code)))],
    redactions: typeof e.redactions === 'number' ? e.redactions : redactionCount(e.redactions ?? []),
    ...(e.resultBytes !== undefined ? { resultBytes: e.resultBytes } : {}),
  };
  if (opts.includeArguments && e.arguments !== undefined) {
    const { value } = redactValue(e.arguments, { extraValues: opts.extraSecretValues });
    const bytes = Buffer.byteLength(JSON.stringify(value) ?? '');
    rec.arguments = bytes > maxArgs ? `[omitted: ${bytes} bytes]` : value;
  }
  return rec;
}

/**
 * Opens the audit log. File writes are synchronous: an audit trail that loses its last events
 * when the process dies is no trail, and one short write per call costs little next to the call.
 */
export function createAuditLog(options: AuditLogOptions): AuditLog {
  const dest = options.destination;
  const maxArgsFor = options.maxArgumentBytes ?? 8192;
  if (typeof dest === 'object' && dest !== null && 'logger' in dest) {
    const via = dest.logger;
    return {
      // The server log redacts every `upstream` key (OAuth proxy tokens ride there): name the server `server`.
      record: (event) => {
        const { upstream, ...rec } = toRecord(event, options, maxArgsFor);
        via.info({ event: 'audit', audit: { ...rec, ...(upstream !== undefined ? { server: upstream } : {}) } }, 'audit');
      },
      close: () => Promise.resolve(),
    };
  }
  const isFile = typeof dest === 'object' && dest !== null && 'file' in dest && typeof dest.file === 'string' && dest.file.length > 0;
  if (dest !== 'stderr' && !isFile) throw new ConfigError('audit.destination', "expected 'stderr' or { file: path }");
  const maxArgs = options.maxArgumentBytes ?? 8192;
  if (!Number.isSafeInteger(maxArgs) || maxArgs < 0) throw new ConfigError('audit.maxArgumentBytes', 'expected a whole number of bytes');
  let stream: ReturnType<typeof pino.destination>;
  try {
    stream = pino.destination(isFile ? { dest: dest.file, sync: true, mkdir: true, append: true } : { dest: 2, sync: true });
  } catch (err) {
    throw new ConfigError('audit.destination.file', `cannot open for appending: ${err instanceof Error ? err.message : String(err)}`);
  }
  const logger: Logger = pino(
    {
      base: undefined,
      // No level field (every line is an event); the time then opens the line, so it has no leading comma.
      formatters: { level: () => ({}) },
      timestamp: () => `"time":"${new Date().toISOString()}"`,
      // Defense in depth: even a caller that slips a raw header in does not get it written.
      redact: { paths: ['authorization', 'token', 'principal.claims', 'principal.token'], remove: true },
    },
    stream as DestinationStream,
  );
  let closed = false;
  return {
    record(event) {
      if (closed) return;
      logger.info(toRecord(event, options, maxArgs));
    },
    async close() {
      if (closed) return;
      closed = true;
      stream.flushSync();
      if (!isFile) return;
      await new Promise<void>((resolve, reject) => {
        stream.once('close', () => resolve());
        stream.once('error', reject);
        stream.end();
      });
    },
  };
}

export interface AuditRow {
  tool: string;
  calls: number;
  allowed: number;
  denied: number;
  quarantined: number;
  blocked: number;
  rateLimited: number;
  errors: number;
  p50Ms: number;
  maxMs: number;
  /** Finding codes with how many events carried each. */
  findings: Record<string, number>;
}

const SINCE = /^(\d+(?:\.\d+)?)\s*(s|m|h|d)$/;
const UNIT_MS = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** `30m`, `1h`, `7d`, an ISO date, or a Date; the instant from which events are counted. */
export function parseSince(since: string | Date, now: number = Date.now(), option = '--since'): number {
  if (since instanceof Date) {
    if (Number.isNaN(since.getTime())) throw new ConfigError(option, 'invalid date');
    return since.getTime();
  }
  const m = SINCE.exec(since.trim());
  if (m) return now - Number(m[1]) * UNIT_MS[m[2] as keyof typeof UNIT_MS];
  const t = Date.parse(since);
  if (Number.isNaN(t))
    throw new ConfigError(option, `expected a duration like 30m, 1h, 7d or an ISO date, got ${JSON.stringify(since.slice(0, 40))}`);
  return t;
}

function isRecord(v: unknown): v is AuditRecord {
  if (typeof v !== 'object' || v === null) return false;
  const r = v as Partial<AuditRecord>;
  return typeof r.tool === 'string' && typeof r.time === 'string' && typeof r.decision === 'string' && typeof r.durationMs === 'number';
}

const DECISION_FIELD: Record<AuditDecision, keyof AuditRow> = {
  allowed: 'allowed',
  denied: 'denied',
  quarantined: 'quarantined',
  blocked: 'blocked',
  rate_limited: 'rateLimited',
  error: 'errors',
};

/** Per-tool counts over the events of `filePath` since `since`; lines that are not audit records are skipped. */
export async function summarizeAudit(filePath: string, options: { since: string | Date; now?: number }): Promise<AuditRow[]> {
  const from = parseSince(options.since, options.now);
  const acc = new Map<string, { row: AuditRow; durations: number[] }>();
  const lines = createInterface({ input: createReadStream(filePath, { encoding: 'utf8' }), crlfDelay: Infinity });
  for await (const line of lines) {
    if (!line.trim()) continue;
    let rec: unknown;
    try {
      rec = JSON.parse(line);
    } catch {
      continue;
    }
    if (!isRecord(rec) || !(Date.parse(rec.time) >= from)) continue;
    let entry = acc.get(rec.tool);
    if (!entry) {
      entry = {
        row: {
          tool: rec.tool,
          calls: 0,
          allowed: 0,
          denied: 0,
          quarantined: 0,
          blocked: 0,
          rateLimited: 0,
          errors: 0,
          p50Ms: 0,
          maxMs: 0,
          findings: {},
        },
        durations: [],
      };
      acc.set(rec.tool, entry);
    }
    const { row } = entry;
    row.calls++;
    const field = DECISION_FIELD[rec.decision];
    if (field) (row[field] as number)++;
    entry.durations.push(rec.durationMs);
    for (const code of Array.isArray(rec.findings) ? rec.findings : []) {
      if (typeof code === 'string') row.findings[code] = (row.findings[code] ?? 0) + 1;
    }
  }
  const rows = [...acc.values()].map(({ row, durations }) => {
    durations.sort((a, b) => a - b);
    // Nearest-rank median.
    row.p50Ms = durations[Math.ceil(durations.length / 2) - 1] ?? 0;
    row.maxMs = durations[durations.length - 1] ?? 0;
    return row;
  });
  return rows.sort((a, b) => b.calls - a.calls || a.tool.localeCompare(b.tool));
}

const COLUMNS: Array<[string, (r: AuditRow) => string]> = [
  ['tool', (r) => r.tool],
  ['calls', (r) => String(r.calls)],
  ['allowed', (r) => String(r.allowed)],
  ['denied', (r) => String(r.denied)],
  ['quarantined', (r) => String(r.quarantined)],
  ['blocked', (r) => String(r.blocked)],
  ['rate-limited', (r) => String(r.rateLimited)],
  ['errors', (r) => String(r.errors)],
  ['p50 ms', (r) => formatMs(r.p50Ms)],
  ['max ms', (r) => formatMs(r.maxMs)],
  [
    'findings',
    (r) =>
      Object.entries(r.findings)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([code, n]) => `${code}×${n}`)
        .join(', ') || '-',
  ],
];

function formatMs(ms: number): string {
  return ms >= 100 ? String(Math.round(ms)) : ms.toFixed(1);
}

/** A plain-text table (one row per tool) for `mcp-bastion gateway audit`. */
export function formatAuditSummary(rows: readonly AuditRow[]): string {
  if (rows.length === 0) return 'no audit events in the selected period';
  // Tool names come from upstreams: strip control characters so a name cannot rewrite the terminal.
  const cells = rows.map((r) => COLUMNS.map(([, get]) => get(r).replace(/[\u0000-\u001f\u007f-\u009f]/g, '?')));
  const widths = COLUMNS.map(([head], i) => Math.max(head.length, ...cells.map((c) => (c[i] ?? '').length)));
  const line = (values: string[]): string =>
    values
      .map((v, i) => (i === 0 || i === values.length - 1 ? v.padEnd(widths[i] ?? 0) : v.padStart(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(COLUMNS.map(([head]) => head)), ...cells.map(line)].join('\n');
}
