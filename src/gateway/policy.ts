/**
 * Per-agent policy: rules select namespaced components by name or glob and attach checks (scopes,
 * roles, client ids). The checks are ordinary AuthChecks, so the gateway hides or challenges exactly
 * as our own servers do (one access decision for every path).
 */

import { requireRoles, requireScopes, type AuthCheck } from '../auth/authorization.js';
import type { PolicyRule } from './config.js';

/** `*` matches any run of characters (including the separator); everything else is literal. */
export function globToRegExp(glob: string): RegExp {
  const body = glob
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${body}$`, 's');
}

export function matcher(match: string | readonly string[]): (name: string) => boolean {
  const res = (typeof match === 'string' ? [match] : match).map(globToRegExp);
  return (name) => res.some((re) => re.test(name));
}

/** A check that admits only the listed OAuth clients (agents); opaque, so a denial hides rather than challenges. */
export function requireClientIds(clientIds: readonly string[]): AuthCheck {
  const allowed = new Set(clientIds);
  return ({ principal }) => principal.clientId !== undefined && allowed.has(principal.clientId);
}

export interface CompiledPolicy {
  /** The checks every component with this namespaced name must pass. */
  checksFor(name: string): AuthCheck[];
  /** True when a rule denies the component to everyone. */
  denied(name: string): boolean;
}

export function compilePolicies(
  rules: readonly PolicyRule[],
  extra: readonly { match: (name: string) => boolean; check: AuthCheck }[] = [],
): CompiledPolicy {
  const compiled = rules.map((r) => ({ match: matcher(r.match), rule: r }));
  return {
    checksFor(name) {
      const checks: AuthCheck[] = [];
      for (const { match, rule } of compiled) {
        if (!match(name)) continue;
        if (rule.scopes?.length) checks.push(requireScopes(...rule.scopes));
        if (rule.roles?.length) checks.push(requireRoles(...rule.roles));
        if (rule.clientIds?.length) checks.push(requireClientIds(rule.clientIds));
      }
      for (const e of extra) if (e.match(name)) checks.push(e.check);
      return checks;
    },
    denied: (name) => compiled.some(({ match, rule }) => rule.deny === true && match(name)),
  };
}
