/**
 * Rate limits counted in our Store, so one Redis makes them global across instances.
 *
 * The limiter is a rate-limiter-flexible store limiter (a RateLimiterStoreAbstract subclass)
 * whose `_upsert/_get/_delete` run on `Store.increment/get/take`. Going through the library
 * rather than a hand-rolled counter gives us its tested consume/RateLimiterRes semantics, an
 * in-process block once a key is over its limit (a flood stops costing store round trips) and
 * an insurance limiter: when the Store fails, counting falls back to process memory instead of
 * either letting everything through or refusing everything.
 *
 * Store.increment reports the new count but not the key's remaining lifetime, so windows are
 * aligned to the clock (`floor(now / duration)` is part of the key): every instance computes
 * the same window and the same time until it ends without asking the Store.
 */
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { RateLimiterMemory, RateLimiterRes, type RateLimiterStoreAbstract as StoreAbstract } from 'rate-limiter-flexible';
import type { Principal } from '../auth/principal.js';
import { ConfigError } from '../errors.js';
import type { Store } from '../storage/types.js';

/** Store collection that holds the counters. */
export const RATE_LIMIT_COLLECTION = 'ratelimit';

/**
 * JSON-RPC error code for "rate limited". JSON-RPC 2.0 leaves -32000..-32099 to the
 * implementation and MCP defines no code for this; -32029 echoes HTTP 429 and is not one the
 * MCP SDK uses (-32000 connection closed, -32001 request timeout, -32042 URL elicitation).
 */
export const RATE_LIMITED_CODE = -32029;

export interface RateLimitOptions {
  /** Calls allowed per window. */
  points: number;
  /** Window length in seconds. */
  durationSeconds: number;
  /** Namespace of the counters (one per limit), e.g. `gateway:tool`. */
  keyPrefix: string;
}

export interface RateLimitDecision {
  allowed: boolean;
  /** Calls left in the current window. */
  remaining: number;
  /** Seconds until the window ends (0 when allowed and not exhausted). */
  retryAfterSeconds: number;
}

export interface RateLimiter {
  consume(key: string): Promise<RateLimitDecision>;
}

interface WindowCount {
  points: number;
  msBeforeNext: number;
}

// The package declares this base class in its types but leaves it out of index.js; load the module itself.
const RateLimiterStoreAbstract = createRequire(import.meta.url)(
  'rate-limiter-flexible/lib/RateLimiterStoreAbstract.js',
) as typeof StoreAbstract;

// Longer keys (long subjects, many-part keys) are hashed to stay under the Store's key limit.
const MAX_PLAIN_KEY = 200;

class StoreWindowLimiter extends RateLimiterStoreAbstract {
  private readonly store: Store;
  private readonly windowMs: number;

  constructor(store: Store, opts: RateLimitOptions, insurance: RateLimiterMemory) {
    super({
      storeClient: store,
      points: opts.points,
      duration: opts.durationSeconds,
      keyPrefix: opts.keyPrefix,
      // Once over the limit, the rest of the window is refused from memory.
      inMemoryBlockOnConsumed: opts.points + 1,
      insuranceLimiter: insurance,
    });
    this.store = store;
    this.windowMs = opts.durationSeconds * 1000;
  }

  private windowKey(rlKey: string, now: number): { key: string; msBeforeNext: number } {
    const index = Math.floor(now / this.windowMs);
    const base = rlKey.length > MAX_PLAIN_KEY ? `h:${createHash('sha256').update(rlKey).digest('hex')}` : rlKey;
    return { key: `${base}@${index}`, msBeforeNext: (index + 1) * this.windowMs - now };
  }

  async _upsert(rlKey: string, points: number, _msDuration: number, forceExpire = false): Promise<WindowCount> {
    // set()/block() and blockDuration would need a lifetime beyond the window; createRateLimiter never uses them.
    if (forceExpire) throw new Error('the Store-backed limiter supports consume, penalty, reward, get and delete only');
    const { key, msBeforeNext } = this.windowKey(rlKey, Date.now());
    const count = await this.store.increment(RATE_LIMIT_COLLECTION, key, points, { ttlSeconds: msBeforeNext / 1000 + 1 });
    return { points: count, msBeforeNext };
  }

  async _get(rlKey: string): Promise<WindowCount | null> {
    const { key, msBeforeNext } = this.windowKey(rlKey, Date.now());
    const count = await this.store.get<number>(RATE_LIMIT_COLLECTION, key);
    return count === undefined ? null : { points: count, msBeforeNext };
  }

  async _delete(rlKey: string): Promise<boolean> {
    const { key } = this.windowKey(rlKey, Date.now());
    return (await this.store.take(RATE_LIMIT_COLLECTION, key)) !== undefined;
  }

  _getRateLimiterRes(_rlKey: string, changedPoints: number, result: WindowCount): RateLimiterRes {
    return new RateLimiterRes(
      Math.max(this.points - result.points, 0),
      result.msBeforeNext,
      result.points,
      result.points === changedPoints,
    );
  }
}

function checkLimit(option: string, value: { points?: unknown; durationSeconds?: unknown } | undefined): void {
  if (typeof value !== 'object' || value === null) throw new ConfigError(option, 'expected { points, durationSeconds }');
  if (typeof value.points !== 'number' || !Number.isSafeInteger(value.points) || value.points < 1) {
    throw new ConfigError(`${option}.points`, 'expected a whole number of calls, at least 1');
  }
  if (typeof value.durationSeconds !== 'number' || !Number.isFinite(value.durationSeconds) || value.durationSeconds <= 0) {
    throw new ConfigError(`${option}.durationSeconds`, 'expected a positive number of seconds');
  }
}

function decision(res: RateLimiterRes, allowed: boolean): RateLimitDecision {
  const retryAfterSeconds = allowed && res.remainingPoints > 0 ? 0 : Math.max(1, Math.ceil(res.msBeforeNext / 1000));
  return { allowed, remaining: allowed ? res.remainingPoints : 0, retryAfterSeconds };
}

/** A fixed-window limiter over `store`: `points` calls per key per `durationSeconds`. */
export function createRateLimiter(store: Store, options: RateLimitOptions, optionName = 'rateLimit'): RateLimiter {
  checkLimit(optionName, options);
  if (typeof options.keyPrefix !== 'string' || options.keyPrefix.length === 0) {
    throw new ConfigError(`${optionName}.keyPrefix`, 'expected a non-empty string');
  }
  const insurance = new RateLimiterMemory({ points: options.points, duration: options.durationSeconds, keyPrefix: options.keyPrefix });
  const limiter = new StoreWindowLimiter(store, options, insurance);
  return {
    async consume(key) {
      try {
        return decision(await limiter.consume(key, 1), true);
      } catch (err) {
        if (err instanceof RateLimiterRes) return decision(err, false);
        throw err;
      }
    },
  };
}

export interface RateLimitRule {
  /** Namespaced tool name or glob (`*` any run of characters, `?` one character), e.g. `github__*`. */
  match: string;
  /** Calls each principal may make to the tools this rule matches, together, per window. */
  perPrincipal?: { points: number; durationSeconds: number };
  /** Calls all principals together may make to the tools this rule matches, per window. */
  total?: { points: number; durationSeconds: number };
  /** Give each matched tool its own budget instead of one budget shared by all tools the rule matches. Default false. */
  eachTool?: boolean;
}

export interface RateLimitPolicyOptions {
  /** Namespace of this policy's counters (e.g. `gateway`, `mcp`), so two policies over one Store never share counts. Default `policy`. */
  keyPrefix?: string;
  /** Option path used in configuration errors. Default `rateLimits`. */
  optionName?: string;
}

export interface PolicyDecision extends RateLimitDecision {
  /** The rule that applied (`undefined`: no rule matched, the call is not limited). */
  rule?: string;
  /** Which limit refused the call. */
  limit?: 'perPrincipal' | 'total';
}

export interface RateLimitPolicy {
  /** Counts one call of `tool` by `principal` (see principalKey) against the first matching rule. */
  consume(call: { tool: string; principal: string }): Promise<PolicyDecision>;
}

export function globToRegExp(glob: string): RegExp {
  const body = glob
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${body}$`, 's');
}

const RULE_KEYS = ['match', 'perPrincipal', 'total', 'eachTool'];

/**
 * Rate limits by tool glob; the first rule whose `match` fits the tool applies (order rules from
 * specific to general). Counter names derive from the rule's content, not its position, so
 * instances with the same rules share counts even if the rules were listed in another order.
 */
export function rateLimitPolicy(rules: readonly RateLimitRule[], store: Store, options: RateLimitPolicyOptions = {}): RateLimitPolicy {
  const option = options.optionName ?? 'rateLimits';
  const prefix = options.keyPrefix ?? 'policy';
  if (!Array.isArray(rules)) throw new ConfigError(option, 'expected an array of { match, perPrincipal?, total?, eachTool? }');
  const compiled = rules.map((rule, i) => {
    const at = `${option}[${i}]`;
    if (typeof rule?.match !== 'string' || rule.match.length === 0) throw new ConfigError(`${at}.match`, 'expected a tool name or glob');
    const unknown = Object.keys(rule).filter((k) => !RULE_KEYS.includes(k));
    if (unknown.length > 0) throw new ConfigError(`${at}.${unknown[0] ?? ''}`, `unknown option (expected ${RULE_KEYS.join(', ')})`);
    if (!rule.perPrincipal && !rule.total) throw new ConfigError(at, 'set perPrincipal, total or both');
    if (rule.eachTool !== undefined && typeof rule.eachTool !== 'boolean')
      throw new ConfigError(`${at}.eachTool`, 'expected true or false');
    const make = (kind: 'perPrincipal' | 'total'): RateLimiter | undefined => {
      const limit = rule[kind];
      if (!limit) return undefined;
      const id = createHash('sha256')
        .update(JSON.stringify([rule.match, kind, limit.points, limit.durationSeconds, rule.eachTool === true]))
        .digest('hex')
        .slice(0, 16);
      return createRateLimiter(store, { ...limit, keyPrefix: `${prefix}.${id}` }, `${at}.${kind}`);
    };
    return {
      match: rule.match,
      re: globToRegExp(rule.match),
      eachTool: rule.eachTool === true,
      perPrincipal: make('perPrincipal'),
      total: make('total'),
    };
  });
  return {
    async consume({ tool, principal }) {
      const rule = compiled.find((r) => r.re.test(tool));
      if (!rule) return { allowed: true, remaining: Number.POSITIVE_INFINITY, retryAfterSeconds: 0 };
      const scope = (key: string): string => (rule.eachTool ? JSON.stringify([key, tool]) : key);
      let result: PolicyDecision = { allowed: true, remaining: Number.POSITIVE_INFINITY, retryAfterSeconds: 0, rule: rule.match };
      if (rule.perPrincipal) {
        const d = await rule.perPrincipal.consume(scope(principal));
        if (!d.allowed) return { ...d, rule: rule.match, limit: 'perPrincipal' };
        result = { ...d, rule: rule.match };
      }
      // A principal already over its own limit does not use up everyone's budget.
      if (rule.total) {
        const d = await rule.total.consume(scope('*'));
        if (!d.allowed) return { ...d, rule: rule.match, limit: 'total' };
        result = { ...d, remaining: Math.min(result.remaining, d.remaining), rule: rule.match };
      }
      return result;
    },
  };
}

/** The identity a per-principal limit counts: issuer and subject for tokens (two IdPs may share a `sub`). */
export function principalKey(principal: Pick<Principal, 'kind' | 'subject' | 'claims'>): string {
  const iss = typeof principal.claims.iss === 'string' ? principal.claims.iss : '';
  // JSON, not a joined string: a `|` inside an issuer or subject cannot make two identities one.
  return JSON.stringify([principal.kind, iss, principal.subject]);
}

/** HTTP 429 with Retry-After and a JSON-RPC error body (code RATE_LIMITED_CODE). */
export function rateLimitResponse(retryAfterSeconds: number, id: string | number | null = null): Response {
  const seconds = Math.max(1, Math.ceil(Number.isFinite(retryAfterSeconds) ? retryAfterSeconds : 1));
  const body = {
    jsonrpc: '2.0',
    id,
    error: { code: RATE_LIMITED_CODE, message: `Rate limit exceeded; retry after ${seconds} s`, data: { retryAfterSeconds: seconds } },
  };
  return new Response(JSON.stringify(body), {
    status: 429,
    headers: { 'content-type': 'application/json', 'retry-after': String(seconds), 'cache-control': 'no-store' },
  });
}
