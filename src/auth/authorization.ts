import type { Principal } from './principal.js';

/** What a check is asked about. */
export interface AuthContext {
  readonly principal: Principal;
  readonly component: ComponentRef;
}

export interface ComponentRef {
  readonly kind: 'tool' | 'resource' | 'prompt' | 'procedure';
  readonly name: string;
  readonly tags: readonly string[];
}

/**
 * A predicate over the caller. Checks built by `requireScopes` carry the scopes they need,
 * so a denial can be turned into an `insufficient_scope` step-up challenge.
 */
export type AuthCheck = ((ctx: AuthContext) => boolean | Promise<boolean>) & {
  readonly requiredScopes?: readonly string[];
};

/** A server-wide rule: the checks apply to every component the rule selects. */
export interface ServerRule {
  readonly description: string;
  appliesTo(component: ComponentRef): boolean;
  readonly checks: readonly AuthCheck[];
}

/** All of the listed scopes are required. */
export function requireScopes(...scopes: string[]): AuthCheck {
  const needed = Object.freeze([...scopes]);
  const check = ({ principal }: AuthContext) => needed.every((s) => principal.scopes.includes(s));
  return Object.assign(check, { requiredScopes: needed });
}

/** All of the listed roles are required (roles come from the verifier, e.g. a `roles` claim). */
export function requireRoles(...roles: string[]): AuthCheck {
  return ({ principal }: AuthContext) => roles.every((r) => (principal.roles ?? []).includes(r));
}

/** Any verified caller (a token, or the local user on stdio). */
export function requireAuthenticated(): AuthCheck {
  return ({ principal }: AuthContext) => principal.kind !== 'anonymous';
}

/** Components tagged `tag` additionally need `scopes`. */
export function restrictTag(tag: string, opts: { scopes: string[] }): ServerRule {
  return {
    description: `tag ${tag} requires ${opts.scopes.join(' ')}`,
    appliesTo: (c) => c.tags.includes(tag),
    checks: [requireScopes(...opts.scopes)],
  };
}

/** Checks applied to every component of the server. */
export function AuthMiddleware(opts: { auth: AuthCheck | AuthCheck[] }): ServerRule {
  return { description: 'server-wide auth', appliesTo: () => true, checks: toList(opts.auth) };
}

export function toList<T>(v: T | T[] | undefined): T[] {
  return v === undefined ? [] : Array.isArray(v) ? v : [v];
}

export interface AccessDecision {
  readonly allowed: boolean;
  /**
   * Set when every failed check was a scope check: the scopes a token would need
   * (including ones already granted). Empty when an opaque check denied, so nothing is revealed.
   */
  readonly challengeScopes: readonly string[];
}

const ALLOW: AccessDecision = Object.freeze({ allowed: true, challengeScopes: Object.freeze([]) as readonly string[] });
const DENY_OPAQUE: AccessDecision = Object.freeze({ allowed: false, challengeScopes: Object.freeze([]) as readonly string[] });

/**
 * Evaluates a component's own checks and every server rule that selects it; all must pass.
 * Fails closed: a check that throws denies.
 */
export async function evaluateAccess(
  principal: Principal,
  component: ComponentRef,
  ownChecks: readonly AuthCheck[],
  rules: readonly ServerRule[],
): Promise<AccessDecision> {
  const checks = [...ownChecks];
  for (const rule of rules) if (rule.appliesTo(component)) checks.push(...rule.checks);
  if (checks.length === 0) return ALLOW;
  const ctx: AuthContext = { principal, component };
  const scopes = new Set<string>();
  let opaqueDenial = false;
  let denied = false;
  for (const check of checks) {
    let ok = false;
    try {
      ok = (await check(ctx)) === true;
    } catch {
      ok = false;
    }
    if (check.requiredScopes) for (const s of check.requiredScopes) scopes.add(s);
    if (!ok) {
      denied = true;
      if (!check.requiredScopes) opaqueDenial = true;
    }
  }
  if (!denied) return ALLOW;
  if (opaqueDenial) return DENY_OPAQUE;
  return { allowed: false, challengeScopes: [...scopes] };
}

/** A component together with its own checks: what an access decision is taken about. */
export interface GuardedComponent extends ComponentRef {
  readonly checks: readonly AuthCheck[];
}

/** How a server turns a denial into an answer; fixed at start. */
export interface AccessPolicy {
  readonly rules: readonly ServerRule[];
  /** False on stdio and over HTTP without auth: per-component checks are skipped (dual mode). */
  readonly enforce: boolean;
  readonly onInsufficientScope: 'hide' | 'challenge';
}

/**
 * The one answer every path (MCP lists and calls, the `/mcp` step-up, `/trpc`, the gateway) acts on:
 * `allow`; `hide` (listed nowhere, and a call gets the same "not found" as a missing component);
 * or `challenge` (listed; a call gets HTTP 403 insufficient_scope naming `scopes`).
 */
export type AccessOutcome =
  { readonly kind: 'allow' } | { readonly kind: 'hide' } | { readonly kind: 'challenge'; readonly scopes: readonly string[] };

const OUTCOME_ALLOW: AccessOutcome = Object.freeze({ kind: 'allow' });
const OUTCOME_HIDE: AccessOutcome = Object.freeze({ kind: 'hide' });

export async function accessDecision(principal: Principal, component: GuardedComponent, policy: AccessPolicy): Promise<AccessOutcome> {
  if (!policy.enforce) return OUTCOME_ALLOW;
  const ref: ComponentRef = { kind: component.kind, name: component.name, tags: component.tags };
  const d = await evaluateAccess(principal, ref, component.checks, policy.rules);
  if (d.allowed) return OUTCOME_ALLOW;
  if (policy.onInsufficientScope === 'challenge' && d.challengeScopes.length > 0) return { kind: 'challenge', scopes: d.challengeScopes };
  return OUTCOME_HIDE;
}

/** Whether a component appears in list results: allowed, or challenged (so a client can step up). */
export function isListed(outcome: AccessOutcome): boolean {
  return outcome.kind !== 'hide';
}
