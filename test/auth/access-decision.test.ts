import { describe, expect, it } from 'vitest';
import {
  accessDecision,
  isListed,
  requireRoles,
  requireScopes,
  restrictTag,
  type AccessPolicy,
  type GuardedComponent,
} from '../../src/auth/authorization.js';
import type { Principal } from '../../src/auth/principal.js';

const who = (scopes: string[], roles: string[] = []): Principal => ({ kind: 'token', subject: 's', scopes, roles, claims: {} });
const tool = (checks: GuardedComponent['checks'], tags: string[] = []): GuardedComponent => ({ kind: 'tool', name: 't', tags, checks });
const hide: AccessPolicy = { rules: [], enforce: true, onInsufficientScope: 'hide' };
const challenge: AccessPolicy = { ...hide, onInsufficientScope: 'challenge' };

describe('accessDecision: the one answer every path acts on', () => {
  it('allows when every check passes, and when checks are not enforced (stdio, HTTP without auth)', async () => {
    expect(await accessDecision(who(['a']), tool([requireScopes('a')]), hide)).toEqual({ kind: 'allow' });
    expect(await accessDecision(who([]), tool([requireScopes('a')]), { ...hide, enforce: false })).toEqual({ kind: 'allow' });
  });

  it('hides a component denied for scopes in hide mode, and challenges it in challenge mode with the scopes', async () => {
    expect(await accessDecision(who([]), tool([requireScopes('a', 'b')]), hide)).toEqual({ kind: 'hide' });
    expect(await accessDecision(who(['a']), tool([requireScopes('a', 'b')]), challenge)).toEqual({ kind: 'challenge', scopes: ['a', 'b'] });
  });

  it('never challenges when an opaque check also denies: the scopes would tell an attacker what exists', async () => {
    const d = await accessDecision(who([]), tool([requireScopes('a'), requireRoles('admin')]), challenge);
    expect(d).toEqual({ kind: 'hide' });
  });

  it('fails closed: a check that throws hides the component, even in challenge mode', async () => {
    const boom = () => {
      throw new Error('backend down');
    };
    expect(await accessDecision(who(['a']), tool([requireScopes('a'), boom]), challenge)).toEqual({ kind: 'hide' });
  });

  it('server rules apply: a tag rule adds its scopes to the challenge', async () => {
    const policy = { ...challenge, rules: [restrictTag('admin', { scopes: ['admin'] })] };
    expect(await accessDecision(who(['a']), tool([requireScopes('a')], ['admin']), policy)).toEqual({
      kind: 'challenge',
      scopes: ['a', 'admin'],
    });
  });

  it('listing shows allowed and challenged components, never hidden ones', () => {
    expect(isListed({ kind: 'allow' })).toBe(true);
    expect(isListed({ kind: 'challenge', scopes: ['a'] })).toBe(true);
    expect(isListed({ kind: 'hide' })).toBe(false);
  });
});
