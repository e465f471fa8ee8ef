import { spawnSync } from 'node:child_process';
import { appendFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import { createAuditLog, formatAuditSummary, parseSince, summarizeAudit, type AuditEventInput } from '../../src/guard/audit.js';
import { REPO_ROOT } from '../storage/helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'mcp-bastion-audit-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => vi.useRealTimers());

let n = 0;
const file = (): string => join(dir, `audit-${n++}`, 'audit.log');
const lines = (path: string): Array<Record<string, unknown>> =>
  readFileSync(path, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);

const GHP = 'ghp_' + 'Z9y8X7w6V5u4T3s2R1q0P9o8N7m6L5k4J3i2';
const OPAQUE = 'opaque-session-credential-4f9a2c';
const BEARER = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJlLWJ5dGVz';

const call = (over: Partial<AuditEventInput> = {}): AuditEventInput => ({
  principal: { kind: 'token', subject: 'alice', claims: { iss: 'https://idp.example', access_token: BEARER } },
  clientId: 'claude-desktop',
  tool: 'github__search',
  upstream: 'github',
  decision: 'allowed',
  durationMs: 12.3456,
  findings: [{ code: 'OI001' }, 'OI001'],
  redactions: [{ kind: 'github-token', count: 2 }],
  resultBytes: 512,
  arguments: { query: `repo:x ${GHP}`, token: OPAQUE, headers: { Authorization: `Bearer ${BEARER}` }, limit: 5 },
  ...over,
});

describe('createAuditLog', () => {
  it('writes one JSON line per event with exactly the documented fields', async () => {
    const path = file();
    const log = createAuditLog({ destination: { file: path } });
    log.record(call());
    log.record(
      call({ event: 'resource_read', tool: 'fs__file:///etc/hosts', decision: 'blocked', upstream: undefined, clientId: undefined }),
    );
    await log.close();
    const [first, second] = lines(path);
    expect(Object.keys(first ?? {}).sort()).toEqual(
      [
        'clientId',
        'decision',
        'durationMs',
        'event',
        'findings',
        'principal',
        'redactions',
        'resultBytes',
        'time',
        'tool',
        'upstream',
      ].sort(),
    );
    expect(first).toMatchObject({
      event: 'tool_call',
      principal: { kind: 'token', subject: 'alice', issuer: 'https://idp.example' },
      clientId: 'claude-desktop',
      tool: 'github__search',
      upstream: 'github',
      decision: 'allowed',
      durationMs: 12.346,
      findings: ['OI001'],
      redactions: 2,
      resultBytes: 512,
    });
    expect(Date.parse(String(first?.time))).not.toBeNaN();
    expect(second).toMatchObject({ event: 'resource_read', decision: 'blocked' });
    expect(second).not.toHaveProperty('clientId');
    expect(second).not.toHaveProperty('upstream');
  });

  it('never writes tokens or argument values without includeArguments', async () => {
    const path = file();
    const log = createAuditLog({ destination: { file: path } });
    log.record(call());
    // A whole Principal, as the server holds it: only kind, subject, issuer and its clientId are written.
    log.record(
      call({
        clientId: undefined,
        principal: {
          kind: 'token',
          subject: 'bob',
          clientId: 'cursor',
          claims: { iss: 'x', token: BEARER },
          extra: { upstream: { accessToken: OPAQUE } },
        } as never,
      }),
    );
    await log.close();
    const raw = readFileSync(path, 'utf8');
    for (const secret of [GHP, OPAQUE, BEARER, 'repo:x']) expect(raw).not.toContain(secret);
    expect(raw).not.toContain('arguments');
    expect(lines(path)[1]).toMatchObject({ principal: { kind: 'token', subject: 'bob', issuer: 'x' }, clientId: 'cursor' });
  });

  it('with includeArguments records arguments only after redaction', async () => {
    const path = file();
    const configured = 'gateway-env-secret-value';
    const log = createAuditLog({ destination: { file: path }, includeArguments: true, extraSecretValues: [configured] });
    log.record(call({ arguments: { ...(call().arguments as object), note: `copy ${configured}` } }));
    log.record(call({ arguments: { blob: 'x'.repeat(10_000) } }));
    await log.close();
    const raw = readFileSync(path, 'utf8');
    for (const secret of [GHP, OPAQUE, BEARER, configured]) expect(raw).not.toContain(secret);
    const [first, second] = lines(path);
    expect(first?.arguments).toEqual({
      query: 'repo:x [REDACTED:github-token]',
      token: '[REDACTED:secret-field]',
      headers: { Authorization: '[REDACTED:secret-field]' },
      limit: 5,
      note: 'copy [REDACTED:configured-secret]',
    });
    expect(second?.arguments).toBe('[omitted: 10011 bytes]');
  });

  it('writes to stderr and nothing to stdout', () => {
    const module = join(REPO_ROOT, 'src/guard/audit.ts');
    const code = `import { createAuditLog } from ${JSON.stringify(module)};
      const log = createAuditLog({ destination: 'stderr' });
      log.record({ principal: { kind: 'local', subject: 'dev' }, tool: 'fs__read', decision: 'denied', durationMs: 1 });
      await log.close();`;
    const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], { cwd: REPO_ROOT, encoding: 'utf8' });
    expect(child.status).toBe(0);
    expect(child.stdout).toBe('');
    expect(JSON.parse(child.stderr.trim())).toMatchObject({ event: 'tool_call', tool: 'fs__read', decision: 'denied' });
  });

  it('names the option at fault', () => {
    expect(() => createAuditLog({ destination: 'stdout' as never })).toThrow(ConfigError);
    expect(() => createAuditLog({ destination: { file: '' } })).toThrow(/audit\.destination/);
    // A directory where the file should be: refused at start, naming the option.
    expect(() => createAuditLog({ destination: { file: dir } })).toThrow(/^audit\.destination\.file: cannot open/);
  });
});

describe('summarizeAudit and formatAuditSummary', () => {
  it('counts per tool since the given time, with p50/max and finding codes, skipping foreign lines', async () => {
    const path = file();
    vi.useFakeTimers({ toFake: ['Date'] });
    const now = Date.parse('2026-03-05T12:00:00.000Z');
    const log = createAuditLog({ destination: { file: path } });
    vi.setSystemTime(now - 2 * 3_600_000);
    log.record(call({ tool: 'fs__read', durationMs: 999 }));
    vi.setSystemTime(now - 10 * 60_000);
    const recent: Array<Partial<AuditEventInput>> = [
      { decision: 'allowed', durationMs: 10, findings: [] },
      { decision: 'allowed', durationMs: 30, findings: ['OI001'] },
      { decision: 'blocked', durationMs: 20, findings: ['OI001', 'OI002'] },
      { decision: 'rate_limited', durationMs: 1, findings: [] },
      { decision: 'error', durationMs: 250, findings: [] },
      { tool: 'fs__read', decision: 'denied', durationMs: 2, findings: [] },
      { tool: 'fs__read', decision: 'quarantined', durationMs: 4, findings: ['PIN001'] },
    ];
    for (const e of recent) log.record(call(e));
    await log.close();
    appendFileSync(path, 'not json\n{"tool": 5}\n{"half": ');
    const rows = await summarizeAudit(path, { since: '1h', now });
    expect(rows).toEqual([
      {
        tool: 'github__search',
        calls: 5,
        allowed: 2,
        denied: 0,
        quarantined: 0,
        blocked: 1,
        rateLimited: 1,
        errors: 1,
        p50Ms: 20,
        maxMs: 250,
        findings: { OI001: 2, OI002: 1 },
      },
      {
        tool: 'fs__read',
        calls: 2,
        allowed: 0,
        denied: 1,
        quarantined: 1,
        blocked: 0,
        rateLimited: 0,
        errors: 0,
        p50Ms: 2,
        maxMs: 4,
        findings: { PIN001: 1 },
      },
    ]);
    expect((await summarizeAudit(path, { since: new Date(now - 3 * 3_600_000), now }))[1]?.calls).toBe(3);
    expect(formatAuditSummary(rows)).toBe(
      [
        'tool            calls  allowed  denied  quarantined  blocked  rate-limited  errors  p50 ms  max ms  findings',
        'github__search      5        2       0            0        1             1       1    20.0     250  OI001×2, OI002×1',
        'fs__read            2        0       1            1        0             0       0     2.0     4.0  PIN001×1',
      ].join('\n'),
    );
  });

  it('keeps hostile tool names from writing control sequences to the terminal', () => {
    const row = {
      tool: 'evil\u001b[2J\u001b]0;pwned\u0007',
      calls: 1,
      allowed: 1,
      denied: 0,
      quarantined: 0,
      blocked: 0,
      rateLimited: 0,
      errors: 0,
      p50Ms: 1,
      maxMs: 1,
      findings: {},
    };
    const out = formatAuditSummary([row]);
    expect(out).not.toMatch(/[\u0007\u001b]/);
    expect(out).toContain('evil?[2J?]0;pwned?');
    expect(formatAuditSummary([])).toBe('no audit events in the selected period');
  });

  it('parseSince understands durations and dates and names --since on bad input', () => {
    expect(parseSince('90m', 10_000_000)).toBe(10_000_000 - 90 * 60_000);
    expect(parseSince('2026-01-01T00:00:00Z')).toBe(Date.parse('2026-01-01T00:00:00Z'));
    expect(() => parseSince('yesterday')).toThrow(ConfigError);
    expect(() => parseSince('yesterday')).toThrow(/^--since: /);
  });
});
