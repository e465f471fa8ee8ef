import type { ServerRule } from '../auth/authorization.js';
import type { Registry } from './registry.js';

/** Every scope a component check or server rule asks for: what `scopes_supported` should advertise. */
export function knownScopes(registry: Registry, rules: readonly ServerRule[]): string[] {
  const scopes = new Set<string>();
  const add = (checks: readonly { requiredScopes?: readonly string[] }[]) => {
    for (const c of checks) for (const s of c.requiredScopes ?? []) scopes.add(s);
  };
  for (const t of registry.tools.values()) add(t.checks);
  for (const r of registry.resources) add(r.checks);
  for (const p of registry.prompts.values()) add(p.checks);
  for (const rule of rules) add(rule.checks);
  return [...scopes].sort();
}
